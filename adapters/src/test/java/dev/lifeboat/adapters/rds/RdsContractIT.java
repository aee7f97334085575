package dev.lifeboat.adapters.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.core.error.SnapshotGoneException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The contract InMemoryRds and moto share: one scenario of the calls both implement, run against each, and the
 * outcomes (done, empty, refused, gone) must agree call for call. Where moto knows a rule, the fake cannot drift
 * from it unnoticed; where the fake knows more (IAM, KMS, asynchronous states), its own tests cite the AWS pages.
 */
@ExtendWith(RealParts.class)
class RdsContractIT {
    private static final String ACCOUNT = "123456789012";
    private static final Location HERE = new Location(ACCOUNT, "eu-west-1");

    /** What became of one call, without the wording (the fake's messages are not RDS's). */
    private static String outcome(Supplier<Object> call) {
        try {
            Object r = call.get();
            if (r instanceof java.util.Optional<?> o) {
                return o.isPresent() ? "present" : "empty";
            }
            return "done";
        } catch (SnapshotGoneException e) {
            return "gone";
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    private static List<String> scenario(RdsGateway rds, String db, String suffix) {
        List<String> out = new ArrayList<>();
        out.add("describe existing: " + outcome(() -> rds.database(HERE, DbKind.INSTANCE, db)));
        out.add("describe missing: " + outcome(() -> rds.database(HERE, DbKind.INSTANCE, "none-" + suffix)));
        out.add("snapshot missing db: "
                + outcome(() ->
                        rds.createSnapshot(HERE, DbKind.INSTANCE, "none-" + suffix, "s-none-" + suffix, Map.of())));
        out.add("snapshot: " + outcome(() -> rds.createSnapshot(HERE, DbKind.INSTANCE, db, "s-" + suffix, Map.of())));
        out.add("snapshot again: "
                + outcome(() -> rds.createSnapshot(HERE, DbKind.INSTANCE, db, "s-" + suffix, Map.of())));
        out.add("describe snapshot: " + outcome(() -> rds.snapshot(HERE, DbKind.INSTANCE, "s-" + suffix)));
        // Both complete a snapshot once it is observed enough (moto at once, the fake after its polls).
        for (int i = 0; i < 5; i++) {
            rds.snapshot(HERE, DbKind.INSTANCE, "s-" + suffix);
        }
        SnapshotInfo s = rds.snapshot(HERE, DbKind.INSTANCE, "s-" + suffix).orElseThrow();
        out.add("copy missing: "
                + outcome(() -> rds.copySnapshot(
                        HERE,
                        DbKind.INSTANCE,
                        "arn:aws:rds:eu-west-1:" + ACCOUNT + ":snapshot:none-" + suffix,
                        "eu-west-1",
                        "c-none-" + suffix,
                        null,
                        null,
                        Map.of())));
        out.add("copy: "
                + outcome(() -> rds.copySnapshot(
                        HERE, DbKind.INSTANCE, s.arn(), "eu-west-1", "c-" + suffix, null, null, Map.of())));
        out.add("share publicly: "
                + outcome(() -> {
                    rds.share(HERE, DbKind.INSTANCE, "s-" + suffix, "all");
                    return null;
                }));
        out.add("restore onto an existing name: "
                + outcome(() -> rds.restore(
                        HERE,
                        DbKind.INSTANCE,
                        new RdsGateway.RestoreSpec(
                                "s-" + suffix,
                                db,
                                "postgres",
                                "db.t4g.micro",
                                null,
                                List.of(),
                                null,
                                null,
                                false,
                                false,
                                Map.of()))));
        out.add("delete: "
                + outcome(() -> {
                    rds.delete(HERE, DbKind.INSTANCE, "c-" + suffix);
                    return null;
                }));
        out.add("delete again: "
                + outcome(() -> {
                    rds.delete(HERE, DbKind.INSTANCE, "c-" + suffix);
                    return null;
                }));
        out.add("describe deleted: " + outcome(() -> rds.snapshot(HERE, DbKind.INSTANCE, "c-" + suffix)));
        return out;
    }

    @Test
    void theFakeAndMoto_agreeOnEveryCallBothImplement(MotoServer moto) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String db = "contract-" + suffix;
        try (RdsClient client = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build()) {
            client.createDBInstance(b -> b.dbInstanceIdentifier(db)
                    .engine("postgres")
                    .dbInstanceClass("db.t4g.micro")
                    .allocatedStorage(20)
                    .masterUsername("admin")
                    .masterUserPassword("not-a-real-password-1"));
        }
        StsClient sts = StsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        List<String> onMoto;
        try (AwsRdsGateway aws = new AwsRdsGateway(
                new AccountCredentials(
                        ACCOUNT,
                        Map.of(),
                        sts,
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))),
                moto.clients())) {
            onMoto = scenario(aws, db, suffix);
        }
        InMemoryRds fake = new InMemoryRds(Clock.systemUTC());
        fake.addDatabase(HERE, db, "postgres", null);
        List<String> onTheFake = scenario(fake, db, suffix);

        assertThat(onTheFake).isEqualTo(onMoto);
        assertThat(onMoto)
                .as("the scenario exercises each outcome")
                .contains(
                        "describe missing: empty",
                        "snapshot missing db: refused",
                        "snapshot again: done",
                        "copy missing: gone",
                        "share publicly: refused",
                        "restore onto an existing name: refused",
                        "delete again: done",
                        "describe deleted: empty");
    }
}
