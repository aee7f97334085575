package dev.lifeboat.adapters.rds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * An endpoint in front of moto that keeps three documented RDS rules moto does not; every other request passes
 * unchanged (EC2's, STS's, and RDS's other calls).
 *
 * <ul>
 *   <li>ModifyDBParameterGroup and ModifyDBClusterParameterGroup take at most 20 parameters: "A maximum of 20
 *       parameters can be modified in a single request"
 *       (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html and
 *       API_ModifyDBClusterParameterGroup.html). moto takes any number; a request of more is answered
 *       InvalidParameterValue here, not carried out.
 *   <li>CreateDBSubnetGroup refuses a name in use: DBSubnetGroupAlreadyExists, "DBSubnetGroupName is already used by
 *       an existing DB subnet group" (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html).
 *       moto replaces the group; here the name is looked up in moto first (DescribeDBSubnetGroups, with the
 *       request's own headers, so in its account and Region) and a name in use is refused.
 *   <li>DescribeEngineDefaultParameters and DescribeEngineDefaultClusterParameters answer the parameters of a family
 *       (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeEngineDefaultParameters.html), paged by
 *       MaxRecords (100 by default) and Marker. moto does not implement them; here they answer for the families given
 *       to {@link #engineDefaults}, and pass to moto for others.
 * </ul>
 */
final class RdsRulesFront implements AutoCloseable {
    private static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    private static final Pattern PARAMETER_NAME = Pattern.compile("Parameters\\.[A-Za-z]+\\.\\d+\\.ParameterName");
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "host", "transfer-encoding", "expect", "keep-alive", "upgrade");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI upstream;
    /** "INSTANCE postgres16" or "CLUSTER aurora-postgresql16" to the family's parameter names. */
    private final Map<String, List<String>> defaults = new ConcurrentHashMap<>();

    RdsRulesFront(String moto) throws IOException {
        this.upstream = URI.create(moto);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String endpoint() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    /** The parameters RDS gives {@code family} by default; {@code cluster}: the DB cluster parameters. */
    void engineDefaults(boolean cluster, String family, List<String> names) {
        defaults.put((cluster ? "CLUSTER " : "INSTANCE ") + family, List.copyOf(names));
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = new String(body, StandardCharsets.UTF_8);
        if (s.isEmpty()) {
            return out;
        }
        for (String pair : s.split("&", -1)) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            Map<String, String> form = method.equals("POST") ? form(body) : Map.of();
            String action = form.getOrDefault("Action", "");
            switch (action) {
                case "ModifyDBParameterGroup", "ModifyDBClusterParameterGroup" -> {
                    long count = form.keySet().stream()
                            .filter(k -> PARAMETER_NAME.matcher(k).matches())
                            .count();
                    if (count > 20) {
                        error(
                                ex,
                                "InvalidParameterValue",
                                "A maximum of 20 parameters can be modified in a single request; this one has "
                                        + count);
                        return;
                    }
                }
                case "CreateDBSubnetGroup" -> {
                    String name = form.get("DBSubnetGroupName");
                    String ask = "Action=DescribeDBSubnetGroups&Version=" + form.getOrDefault("Version", "2014-10-31")
                            + "&DBSubnetGroupName=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
                    HttpResponse<byte[]> there =
                            send(ex, "POST", URI.create("/"), ask.getBytes(StandardCharsets.UTF_8));
                    if (there != null && there.statusCode() == 200) {
                        error(ex, "DBSubnetGroupAlreadyExists", "DB subnet group '" + name + "' already exists.");
                        return;
                    }
                }
                case "DescribeEngineDefaultParameters", "DescribeEngineDefaultClusterParameters" -> {
                    boolean cluster = action.equals("DescribeEngineDefaultClusterParameters");
                    List<String> names = defaults.get(
                            (cluster ? "CLUSTER " : "INSTANCE ") + form.getOrDefault("DBParameterGroupFamily", ""));
                    if (names != null) {
                        page(ex, action, form, names);
                        return;
                    }
                }
                default -> {}
            }
            forward(ex, method, ex.getRequestURI(), body);
        }
    }

    private void page(HttpExchange ex, String action, Map<String, String> form, List<String> names) throws IOException {
        int from =
                form.get("Marker") == null || form.get("Marker").isEmpty() ? 0 : Integer.parseInt(form.get("Marker"));
        int size = form.get("MaxRecords") == null ? 100 : Integer.parseInt(form.get("MaxRecords"));
        int to = Math.min(names.size(), from + size);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<")
                .append(action)
                .append("Response xmlns=\"")
                .append(NS)
                .append("\"><")
                .append(action)
                .append("Result><EngineDefaults><DBParameterGroupFamily>")
                .append(form.get("DBParameterGroupFamily"))
                .append("</DBParameterGroupFamily>");
        if (to < names.size()) {
            xml.append("<Marker>").append(to).append("</Marker>");
        }
        xml.append("<Parameters>");
        for (String n : new ArrayList<>(names).subList(from, to)) {
            xml.append("<Parameter><ParameterName>")
                    .append(n)
                    .append("</ParameterName><Source>engine-default</Source><IsModifiable>true</IsModifiable>")
                    .append("<ApplyMethod>pending-reboot</ApplyMethod></Parameter>");
        }
        xml.append("</Parameters></EngineDefaults></")
                .append(action)
                .append("Result><ResponseMetadata><RequestId>rds-rules-front</RequestId></ResponseMetadata></")
                .append(action)
                .append("Response>");
        respond(ex, 200, xml.toString());
    }

    private static void error(HttpExchange ex, String code, String message) throws IOException {
        respond(
                ex,
                400,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + NS
                        + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                        + "</Message></Error><RequestId>rds-rules-front</RequestId></ErrorResponse>");
    }

    private static void respond(HttpExchange ex, int status, String xml) throws IOException {
        byte[] out = xml.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/xml");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    /** The request to moto with the caller's headers (moto reads the account and Region from them). */
    private HttpResponse<byte[]> send(HttpExchange ex, String method, URI uri, byte[] body) throws IOException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(
                        upstream.resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofMinutes(2));
        ex.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> forward.header(name, v));
            }
        });
        try {
            return client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void forward(HttpExchange ex, String method, URI uri, byte[] body) throws IOException {
        HttpResponse<byte[]> answer = send(ex, method, uri, body);
        if (answer == null) {
            return;
        }
        answer.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                ex.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        byte[] out = answer.body();
        boolean noBody = method.equals("HEAD") || answer.statusCode() == 204 || answer.statusCode() == 304;
        ex.sendResponseHeaders(answer.statusCode(), noBody || out.length == 0 ? -1 : out.length);
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
