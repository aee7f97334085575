package dev.lifeboat.adapters.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.core.error.CopyRejectedException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.RdsGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
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
 * How the gateway reads answers RDS gives and moto does not: an RDS endpoint of this test's own answers each
 * action as scripted (the Query protocol's error document), and records every request.
 */
class AwsRdsGatewayAnswersTest {
    private static final Location BACKUP = new Location("222222222222", "eu-central-1");
    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private final Map<String, String[]> answers = new HashMap<>();

    /** Answers {@code action} with an error of {@code status}, {@code code} and {@code message}. */
    private AwsRdsGatewayAnswersTest answer(String action, int status, String code, String message) {
        answers.put(action, new String[] {String.valueOf(status), code, message});
        return this;
    }

    private AwsRdsGateway rds() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = URLDecoder.decode(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8);
            requests.add(body);
            String action = body.replaceAll(".*Action=([A-Za-z]+).*", "$1");
            String[] a = answers.getOrDefault(action, new String[] {"400", "Unscripted", action});
            byte[] bytes = ("<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender"
                            + "</Type><Code>" + a[1] + "</Code><Message>" + a[2] + "</Message></Error><RequestId>1"
                            + "</RequestId></ErrorResponse>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(Integer.parseInt(a[0]), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return new AwsRdsGateway(
                new AccountCredentials(
                        BACKUP.account(),
                        Map.of(),
                        null,
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))),
                new AwsClients(
                        Optional.of(URI.create(
                                "http://127.0.0.1:" + server.getAddress().getPort())),
                        Optional.of(Region.EU_CENTRAL_1)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /**
     * The port promises that a snapshot already gone counts as deleted. A role may delete only snapshots carrying
     * Lifeboat's tag (an IAM condition on the resource's tags); one that is gone carries none, so AWS may answer
     * AccessDenied before DBSnapshotNotFound.
     */
    @Test
    void accessDeniedOnASnapshotThatIsGone_countsAsDeleted() throws IOException {
        answer("DeleteDBSnapshot", 403, "AccessDenied", "not authorized to perform rds:DeleteDBSnapshot")
                .answer("DescribeDBSnapshots", 404, "DBSnapshotNotFound", "DBSnapshot not found");
        try (AwsRdsGateway rds = rds()) {
            rds.delete(BACKUP, DbKind.INSTANCE, "lifeboat-orders-x");
        }
        assertThat(requests).hasSize(2);
    }

    /** Issue 36, item 9: an Aurora writer is asked for as not publicly accessible, as the plan says. */
    @Test
    void anAuroraWriter_isRequestedNotPubliclyAccessible() throws IOException {
        answer("CreateDBInstance", 400, "InvalidParameterValue", "scripted");
        try (AwsRdsGateway rds = rds()) {
            var cluster = new dev.lifeboat.core.port.RdsGateway.SourceDatabase(
                    "orders-restored", "aurora-postgresql", "16.4", true, null, null, "available", null, Map.of());
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> rds.addWriter(BACKUP, cluster, "db.r6g.large", Map.of()));
        }
        assertThat(requests.getFirst())
                .contains("Action=CreateDBInstance")
                .contains("DBClusterIdentifier=orders-restored")
                .contains("PubliclyAccessible=false");
    }

    @Test
    void accessDeniedOnASnapshotThatMayStillBeThere_isNotSwallowed() throws IOException {
        answer("DeleteDBSnapshot", 403, "AccessDenied", "not authorized to perform rds:DeleteDBSnapshot")
                .answer(
                        "DescribeDBSnapshots",
                        403,
                        "AccessDenied",
                        "not authorized to perform rds:DescribeDBSnapshots");
        try (AwsRdsGateway rds = rds()) {
            assertThatThrownBy(() -> rds.delete(BACKUP, DbKind.INSTANCE, "lifeboat-orders-x"))
                    .isInstanceOf(RdsException.class)
                    .hasMessageContaining("rds:DeleteDBSnapshot");
        }
    }

    private static final String SHARED = "arn:aws:rds:eu-west-1:111111111111:snapshot:lifeboat-orders-share";

    /**
     * Issue 15, item 6: the fallback to two steps triggered on any InvalidParameterCombination or
     * InvalidParameterValue of a cross-Region copy, so an unrelated error (an option group, a key) was misread as
     * "single step refused". Only a refusal of the shape itself counts now.
     */
    @Test
    void onlyARefusalOfTheCrossAccountCrossRegionShape_isReadAsSingleStepRefused() throws IOException {
        answer(
                "CopyDBSnapshot",
                400,
                "InvalidParameterCombination",
                "Cannot copy a shared snapshot from another account across regions");
        try (AwsRdsGateway rds = rds()) {
            assertThatThrownBy(() -> rds.copySnapshot(
                            BACKUP, DbKind.INSTANCE, SHARED, "eu-west-1", "lifeboat-orders-x", "k", null, Map.of()))
                    .isInstanceOf(CopyRejectedException.class);
        }
        answer(
                "CopyDBSnapshot",
                400,
                "InvalidParameterValue",
                "The option group orders-options does not exist in this Region");
        try (AwsRdsGateway rds = rds()) {
            assertThatThrownBy(() -> rds.copySnapshot(
                            BACKUP,
                            DbKind.INSTANCE,
                            SHARED,
                            "eu-west-1",
                            "lifeboat-orders-x",
                            "k",
                            "orders-options",
                            Map.of()))
                    .isInstanceOf(RdsException.class)
                    .isNotInstanceOf(CopyRejectedException.class)
                    .hasMessageContaining("option group");
        }
        assertThat(AwsRdsGateway.singleStepRefused(
                        false, true, "InvalidParameterCombination", "cannot copy a shared snapshot across regions"))
                .as("the backup account's own snapshot: not the shape the fallback answers")
                .isFalse();
    }

    /** Issue 15, item 6: no security groups configured sent an explicitly empty VpcSecurityGroupIds. */
    @Test
    void noSecurityGroups_sendsNoVpcSecurityGroupIds() throws IOException {
        answer("RestoreDBInstanceFromDBSnapshot", 400, "Stop", "recorded");
        try (AwsRdsGateway rds = rds()) {
            assertThatThrownBy(() -> rds.restore(
                    BACKUP,
                    DbKind.INSTANCE,
                    new RdsGateway.RestoreSpec(
                            "lifeboat-orders-x",
                            "orders-back",
                            "postgres",
                            "db.t4g.medium",
                            null,
                            List.of(),
                            null,
                            null,
                            false,
                            true,
                            Map.of())));
        }
        assertThat(requests)
                .singleElement()
                .asString()
                .contains("Action=RestoreDBInstanceFromDBSnapshot")
                .doesNotContain("VpcSecurityGroupIds");
    }
}
