package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every command that reaches AWS, run from the packaged {@code target/lifeboat.jar} (not the test classpath)
 * against moto with the documented example configuration. The tests of the commands themselves run on the test
 * classpath, which holds what the jar may lack: a dependency narrowed to test scope in cli/pom.xml once left the
 * shipped jar without {@code KmsClient}, and {@code lifeboat audit} and {@code preflight} crashed with
 * {@code NoClassDefFoundError} (exit 70) while every test passed. Whatever these commands answer against moto
 * (the example's accounts and databases do not exist there), it is an answer: never exit 70 and never a class
 * missing from the jar.
 */
@ExtendWith(RealParts.class)
class PackagedJarIT {
    private static final String EXAMPLE =
            Path.of("../docs/lifeboat.example.yml").toAbsolutePath().normalize().toString();

    static List<List<String>> commandsThatReachAws() {
        return List.of(
                List.of("audit", "--config", EXAMPLE),
                List.of("preflight", "--config", EXAMPLE),
                List.of("list", "--snapshots", "--config", EXAMPLE),
                List.of("list", "--config", EXAMPLE),
                List.of("prune", "--config", EXAMPLE, "--dry-run"),
                List.of("shape", "--config", EXAMPLE, "--database", "orders"),
                List.of("snapshot", "--config", EXAMPLE, "--database", "orders"),
                List.of(
                        "restore",
                        "--config",
                        EXAMPLE,
                        "--database",
                        "orders",
                        "--from",
                        "snapshot",
                        "--backup",
                        "latest",
                        "--target-instance",
                        "orders-restored",
                        "--dry-run"));
    }

    @Test
    void everyCommandThatReachesAws_runsFromThePackagedJar_withoutAMissingClassOrAnInternalError(MotoServer moto) {
        Map<String, String> env = Map.of(
                "AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_REGION", "eu-central-1",
                "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing");
        for (List<String> args : commandsThatReachAws()) {
            LifeboatJarIT.Run run = LifeboatJarIT.lifeboat(env, args.toArray(String[]::new));
            String said = "lifeboat " + String.join(" ", args) + "\n" + run.out() + run.err();
            assertThat(run.exit()).as(said).isNotEqualTo(ExitCode.INTERNAL);
            assertThat(run.out() + run.err())
                    .as(said)
                    .doesNotContain("NoClassDefFoundError")
                    .doesNotContain("ClassNotFoundException")
                    .doesNotContain("NoSuchMethodError");
        }
    }
}
