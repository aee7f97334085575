package dev.lifeboat.adapters.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.model.RdsException;

/**
 * The port promises that a snapshot already gone counts as deleted. A role may delete only snapshots that carry
 * Lifeboat's tag (an IAM condition on the resource's tags); a snapshot that is gone carries none, so AWS may
 * answer AccessDenied before it answers DBSnapshotNotFound. An RDS endpoint of this test's own answers so.
 */
class AwsRdsGatewayDeleteTest {
    private HttpServer server;
    private final List<String> actions = new ArrayList<>();

    private AwsRdsGateway rdsAnswering(boolean describeFindsIt) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String action = body.replaceAll(".*Action=([A-Za-z]+).*", "$1");
            actions.add(action);
            String reply;
            int status;
            if (action.startsWith("Delete") || describeFindsIt) {
                status = 403;
                reply = error("AccessDenied", "not authorized to perform rds:" + action);
            } else {
                status = 404;
                reply = error("DBSnapshotNotFound", "DBSnapshot not found");
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        AwsClients clients = new AwsClients(
                Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())),
                Optional.of(Region.EU_WEST_1));
        AccountCredentials credentials = new AccountCredentials(
                "222222222222",
                Map.of(),
                null,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        return new AwsRdsGateway(credentials, clients);
    }

    private static String error(String code, String message) {
        return "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + message + "</Message></Error><RequestId>1</RequestId></ErrorResponse>";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void accessDeniedOnASnapshotThatIsGone_countsAsDeleted() throws IOException {
        try (AwsRdsGateway rds = rdsAnswering(false)) {
            rds.delete(new Location("222222222222", "eu-west-1"), DbKind.INSTANCE, "lifeboat-orders-x");
        }
        assertThat(actions).containsExactly("DeleteDBSnapshot", "DescribeDBSnapshots");
    }

    @Test
    void accessDeniedOnASnapshotThatMayStillBeThere_isNotSwallowed() throws IOException {
        try (AwsRdsGateway rds = rdsAnswering(true)) {
            assertThatThrownBy(() ->
                            rds.delete(new Location("222222222222", "eu-west-1"), DbKind.INSTANCE, "lifeboat-orders-x"))
                    .isInstanceOf(RdsException.class)
                    .hasMessageContaining("rds:DeleteDBSnapshot");
        }
    }
}
