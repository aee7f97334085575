package dev.lifeboat.adapters.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.config.TestConfigs;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.AwsCallFailedException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;

/** The gateway entry points get: an RDS refusal or no answer arrives as a Lifeboat failure with its cause. */
@ExtendWith(RealParts.class)
class TranslatedRdsGatewayIT {
    /** The backup account 222222222222 uses the process's own credentials (moto accepts them). */
    private static final LifeboatConfig CONFIG = TestConfigs.orders();

    @Test
    void anRdsRefusal_arrivesAsAwsCallFailed_namingTheCallAndWhere(MotoServer moto) {
        try (RdsGateway rds = AwsRdsGateway.forConfig(CONFIG, moto.clients())) {
            Location here = new Location("222222222222", "eu-central-1");

            assertThatThrownBy(() -> rds.restore(
                            here,
                            DbKind.INSTANCE,
                            new RdsGateway.RestoreSpec(
                                    "no-such-snapshot",
                                    "restored-x",
                                    "postgres",
                                    "db.t4g.micro",
                                    null,
                                    List.of(),
                                    null,
                                    null,
                                    false,
                                    true,
                                    Map.of())))
                    .isInstanceOf(AwsCallFailedException.class)
                    .hasMessageStartingWith("RDS restore in 222222222222/eu-central-1 failed: ")
                    .hasMessageContaining("NotFound");
        }
    }

    @Test
    void noAnswer_arrivesAsAwsCallFailed_withinTheConnectTimeoutAndRetries() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        AwsClients nowhere =
                new AwsClients(Optional.of(URI.create("http://127.0.0.1:" + closed)), Optional.of(Region.EU_CENTRAL_1));
        Instant start = Instant.now();
        try (RdsGateway rds = AwsRdsGateway.forConfig(CONFIG, nowhere)) {
            assertThatThrownBy(() -> rds.snapshots(new Location("222222222222", "eu-central-1"), DbKind.INSTANCE, null))
                    .isInstanceOf(LifeboatException.class)
                    .hasMessageContaining("got no answer");
        }
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(60));
    }
}
