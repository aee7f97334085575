package dev.lifeboat.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of moto that fails chosen S3 operations the way a bad network or a sick S3 does:
 * a 500 answer, a connection closed before the answer, or the request carried out and its answer lost. It
 * listens on 127.0.0.1 and forwards everything else unchanged. Tests point an S3 client at {@link #endpoint()}.
 */
public final class FaultyS3Proxy implements AutoCloseable {
    /** The S3 operations a fault can be attached to, told apart by method, query and key. */
    public enum Operation {
        UPLOAD_PART,
        COMPLETE_MULTIPART_UPLOAD,
        ABORT_MULTIPART_UPLOAD,
        /** A manifest written: a dump's, or a change or binlog archive's segment's. */
        PUT_MANIFEST,
        /** A GetObject of a dump's data (not a manifest, not a listing). */
        GET_OBJECT,
        OTHER
    }

    /** What happens to a matching request. */
    public enum Fault {
        /** Answered with 500 InternalError, never forwarded. */
        SERVER_ERROR,
        /** The connection is closed without an answer, never forwarded. */
        RESET,
        /** Forwarded and carried out by moto, then the connection is closed without the answer. */
        DROP_RESPONSE,
        /**
         * Forwarded; the answer's headers (with the whole Content-Length) and the first half of its body are sent,
         * then the connection is closed: a body cut short on the way, the object itself intact.
         */
        TRUNCATE_BODY,
        /**
         * Forwarded; the answer's headers and the first half of its body are sent, then nothing more, the connection
         * held open: a read that stalls, which only the client's own socket timeout ends (S3's is 2 minutes in
         * Lifeboat). The connection is closed after {@link #STALL}.
         */
        STALL_BODY
    }

    /** How long a stalled answer holds its connection before closing it. */
    public static final Duration STALL = Duration.ofMinutes(3);

    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "host", "transfer-encoding", "expect", "keep-alive", "upgrade");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI upstream;
    private final Map<Operation, Fault> faults = new ConcurrentHashMap<>();
    private final Map<Operation, AtomicInteger> remaining = new ConcurrentHashMap<>();
    private final Map<Operation, AtomicInteger> seen = new ConcurrentHashMap<>();

    public FaultyS3Proxy(String upstream) throws IOException {
        this.upstream = URI.create(upstream);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String endpoint() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    /** From now on, every request of {@code operation} meets {@code fault}. */
    public FaultyS3Proxy fail(Operation operation, Fault fault) {
        return fail(operation, fault, Integer.MAX_VALUE);
    }

    /** The next {@code times} requests of {@code operation} meet {@code fault}; the ones after pass. */
    public FaultyS3Proxy fail(Operation operation, Fault fault, int times) {
        faults.put(operation, fault);
        remaining.put(operation, new AtomicInteger(times));
        return this;
    }

    /** How many requests of {@code operation} arrived. */
    public int seen(Operation operation) {
        return seen.computeIfAbsent(operation, o -> new AtomicInteger()).get();
    }

    static Operation operationOf(String method, String path, String query) {
        String q = query == null ? "" : query;
        if (method.equals("PUT") && q.contains("partNumber=") && q.contains("uploadId=")) {
            return Operation.UPLOAD_PART;
        }
        if (method.equals("POST") && q.contains("uploadId=")) {
            return Operation.COMPLETE_MULTIPART_UPLOAD;
        }
        if (method.equals("DELETE") && q.contains("uploadId=")) {
            return Operation.ABORT_MULTIPART_UPLOAD;
        }
        boolean manifest = path.endsWith(".manifest.json") || path.endsWith(".segment.json");
        if (method.equals("PUT") && manifest) {
            return Operation.PUT_MANIFEST;
        }
        boolean objectPath = path.indexOf('/', 1) > 0 && !path.endsWith("/");
        if (method.equals("GET")
                && objectPath
                && !manifest
                && !q.contains("list-type")
                && !q.contains("uploads")
                && !q.contains("retention")
                && !q.contains("versioning")) {
            return Operation.GET_OBJECT;
        }
        return Operation.OTHER;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = ex.getRequestURI();
            Operation op = operationOf(method, uri.getRawPath(), uri.getRawQuery());
            seen.computeIfAbsent(op, o -> new AtomicInteger()).incrementAndGet();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Fault fault = faults.get(op);
            if (fault != null && remaining.get(op).getAndDecrement() <= 0) {
                fault = null;
            }
            if (fault == Fault.SERVER_ERROR) {
                byte[] xml = "<Error><Code>InternalError</Code><Message>injected by the test</Message></Error>"
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/xml");
                ex.sendResponseHeaders(500, xml.length);
                ex.getResponseBody().write(xml);
                return;
            }
            if (fault == Fault.RESET) {
                return; // closed without an answer
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(upstream.resolve(
                            uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofMinutes(2));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (fault == Fault.DROP_RESPONSE) {
                return; // moto did it; the caller never hears
            }
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            byte[] out = answer.body();
            if (fault == Fault.STALL_BODY && out.length > 1) {
                ex.sendResponseHeaders(answer.statusCode(), out.length);
                OutputStream o = ex.getResponseBody();
                o.write(out, 0, out.length / 2);
                o.flush();
                try {
                    Thread.sleep(STALL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("body stalled by the test");
            }
            if (fault == Fault.TRUNCATE_BODY && out.length > 1) {
                ex.sendResponseHeaders(answer.statusCode(), out.length);
                OutputStream o = ex.getResponseBody();
                o.write(out, 0, out.length / 2);
                o.flush();
                // The exchange ends short of its Content-Length: the server closes the connection mid-body.
                throw new IOException("body truncated by the test");
            }
            if (method.equals("HEAD")) {
                // A HEAD's Content-Length is the object's size (the SDK reads it): passed on as it came.
                answer.headers()
                        .firstValue("content-length")
                        .ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            }
            boolean noBody = method.equals("HEAD") || answer.statusCode() == 204 || answer.statusCode() == 304;
            ex.sendResponseHeaders(answer.statusCode(), noBody ? -1 : (out.length == 0 ? -1 : out.length));
            if (!noBody && out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
