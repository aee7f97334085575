package dev.lifeboat.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An S3 endpoint of one Region, in front of moto, that answers a request for a bucket of another Region as S3 does
 * and moto does not: 301 PermanentRedirect with the bucket's Region in {@code x-amz-bucket-region}, the request not
 * carried out. "If a request is incorrectly formed, Amazon S3 uses permanent redirects"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingRouting.html); the code and status are S3's
 * (PermanentRedirect, 301 Moved Permanently: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), and
 * the header is the one HeadBucket documents (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
 *
 * <p>A client built for Region R sends its requests to R's endpoint and signs them for R; behind one loopback address
 * the front tells which Region a request was meant for from its signature's credential scope
 * ({@code Credential=KEY/DATE/REGION/s3/aws4_request}, in the Authorization header or the X-Amz-Credential query
 * parameter of a presigned URL), and compares it with the bucket's Region, asked of moto (GetBucketLocation). Requests
 * without a bucket (ListBuckets) or for a bucket moto does not know (CreateBucket) pass unchanged.
 */
public final class S3RegionFront implements AutoCloseable {
    private static final Pattern CREDENTIAL_SCOPE = Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([a-z0-9-]+)/s3/");
    private static final Pattern LOCATION = Pattern.compile("<LocationConstraint[^>]*>([^<]*)</LocationConstraint>");
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "host", "transfer-encoding", "expect", "keep-alive", "upgrade");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI upstream;
    private final Map<String, String> bucketRegions = new ConcurrentHashMap<>();
    private final AtomicInteger redirects = new AtomicInteger();

    public S3RegionFront(String moto) throws IOException {
        this.upstream = URI.create(moto);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** The endpoint to give an S3 client (path-style, as AwsClients uses for an endpoint override). */
    public String endpoint() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    /** How many requests were answered with 301 PermanentRedirect. */
    public int redirects() {
        return redirects.get();
    }

    /** The Region a request was signed for, from its SigV4 credential scope; empty for an unsigned request. */
    static Optional<String> signedRegion(String authorization, String rawQuery) {
        if (authorization != null) {
            Matcher m = CREDENTIAL_SCOPE.matcher(authorization);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.startsWith("X-Amz-Credential=")) {
                    String value = URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8);
                    Matcher m = CREDENTIAL_SCOPE.matcher("Credential=" + value);
                    if (m.find()) {
                        return Optional.of(m.group(1));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The bucket of a path-style request, if it names one. */
    static Optional<String> bucketOf(String rawPath) {
        String p = rawPath == null ? "" : rawPath.replaceFirst("^/+", "");
        String bucket = p.contains("/") ? p.substring(0, p.indexOf('/')) : p;
        return bucket.isEmpty() ? Optional.empty() : Optional.of(bucket);
    }

    /** The bucket's Region as moto records it (an empty LocationConstraint is us-east-1); empty if moto lacks it. */
    private Optional<String> regionOf(String bucket) throws IOException {
        String known = bucketRegions.get(bucket);
        if (known != null) {
            return Optional.of(known);
        }
        HttpResponse<String> answer;
        try {
            answer = client.send(
                    HttpRequest.newBuilder(upstream.resolve("/" + bucket + "?location"))
                            .GET()
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking moto for " + bucket + "'s Region", e);
        }
        if (answer.statusCode() != 200) {
            return Optional.empty();
        }
        Matcher m = LOCATION.matcher(answer.body());
        String region = m.find() && !m.group(1).isBlank() ? m.group(1) : "us-east-1";
        bucketRegions.put(bucket, region);
        return Optional.of(region);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = ex.getRequestURI();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Optional<String> bucket = bucketOf(uri.getRawPath());
            Optional<String> signed = signedRegion(ex.getRequestHeaders().getFirst("Authorization"), uri.getRawQuery());
            if (bucket.isPresent() && signed.isPresent()) {
                Optional<String> actual = regionOf(bucket.get());
                if (actual.isPresent() && !actual.get().equals(signed.get())) {
                    redirect(ex, method, bucket.get(), actual.get());
                    return;
                }
            }
            forward(ex, method, uri, body);
        }
    }

    private void redirect(HttpExchange ex, String method, String bucket, String region) throws IOException {
        redirects.incrementAndGet();
        ex.getResponseHeaders().add("x-amz-bucket-region", region);
        if (method.equals("HEAD")) {
            ex.sendResponseHeaders(301, -1); // a HEAD's error has no body: the SDK reads status and headers
            return;
        }
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code>"
                        + "<Message>The bucket you are attempting to access must be addressed using the specified"
                        + " endpoint. Please send all future requests to this endpoint.</Message>"
                        + "<Endpoint>" + bucket + ".s3." + region + ".amazonaws.com</Endpoint>"
                        + "<Bucket>" + bucket + "</Bucket><RequestId>S3REGIONFRONT</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/xml");
        ex.sendResponseHeaders(301, xml.length);
        ex.getResponseBody().write(xml);
    }

    private void forward(HttpExchange ex, String method, URI uri, byte[] body) throws IOException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(
                        upstream.resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
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
        answer.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                ex.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        byte[] out = answer.body();
        if (method.equals("HEAD")) {
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

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
