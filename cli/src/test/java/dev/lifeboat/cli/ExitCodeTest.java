package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.ClientTooOldException;
import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.Outcome;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 35: one error model; an exit code by the failure's outcome, and a bug is never "bad input". */
class ExitCodeTest {
    @Test
    void everyOutcome_hasItsOwnExitCode_andAnythingElseIsABug() {
        Set<Integer> codes = new HashSet<>();
        assertThat(ExitCode.of(new InvalidInputException("x"))).isEqualTo(ExitCode.BAD_INPUT);
        // A request that could not be read or built (protocol's BadRequest) is bad input wherever it escapes.
        assertThat(ExitCode.of(new dev.lifeboat.protocol.request.BadRequest("x", "")))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(ExitCode.of(new BackupNotFoundException("x", ""))).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(ExitCode.of(new RefusedException("x", ""))).isEqualTo(ExitCode.REFUSED);
        assertThat(ExitCode.of(new ClientTooOldException("x", ""))).isEqualTo(ExitCode.REFUSED);
        assertThat(ExitCode.of(new ChecksumMismatchException("x", ""))).isEqualTo(ExitCode.CORRUPT);
        assertThat(ExitCode.of(new DumpFailedException("x", ""))).isEqualTo(ExitCode.FAILED);
        assertThat(ExitCode.of(new VaultException("x", ""))).isEqualTo(ExitCode.FAILED);
        // Core throws these for its own invariants: a bug to report, never "bad input, nothing changed".
        assertThat(ExitCode.of(new IllegalArgumentException("x"))).isEqualTo(ExitCode.INTERNAL);
        assertThat(ExitCode.of(new IllegalStateException("x"))).isEqualTo(ExitCode.INTERNAL);
        assertThat(ExitCode.of(new NullPointerException())).isEqualTo(ExitCode.INTERNAL);
        for (Outcome o : Outcome.values()) {
            codes.add(
                    switch (o) {
                        case BAD_INPUT -> ExitCode.of(new InvalidInputException("x"));
                        case REFUSED -> ExitCode.of(new RefusedException("x", ""));
                        case CORRUPT -> ExitCode.of(new ChecksumMismatchException("x", ""));
                        case FAILED -> ExitCode.of(new DumpFailedException("x", ""));
                        case INTERNAL -> ExitCode.of(new IllegalStateException("x"));
                    });
        }
        assertThat(codes).hasSize(Outcome.values().length);
    }

    /** The one hierarchy is closed: a new kind of failure must say its outcome to compile. */
    @Test
    void lifeboatException_isSealed_andEveryKindSaysItsOutcome() {
        assertThat(LifeboatException.class.isSealed()).isTrue();
        assertThat(Arrays.stream(LifeboatException.class.getPermittedSubclasses()))
                .hasSizeGreaterThanOrEqualTo(15)
                .allSatisfy(c -> assertThat(c.getPackageName()).isEqualTo("dev.lifeboat.core.error"));
    }

    /** A hint is fixed when thrown; what a cleanup did is told after it, in each front end's words. */
    @Test
    void aftermath_followsTheHint_andOptionsAreSaidEachFrontEndsWay() {
        LifeboatException e =
                new RefusedException("the database exists", "leave out " + Param.CREATE + " to restore into it");
        e.withAftermath("the database 'x', which this restore created, was removed");

        assertThat(e.hint())
                .isEqualTo("leave out --create to restore into it; the database 'x', which this restore created,"
                        + " was removed");
        assertThat(e.describe(Vocabulary.PAYLOAD))
                .isEqualTo("the database exists. leave out field 'create' to restore into it; the database 'x',"
                        + " which this restore created, was removed");
        assertThat(e.getMessage()).doesNotContain("\u2060");
        assertThat(e.toString()).doesNotContain("\u2060");
    }

    /** A usage error the command line finds exits 2 and says where to read the usage; a bug exits 70. */
    @Test
    void aUsageError_exits2_withWhereToReadTheUsage(@TempDir Path home) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context c = new Context(
                Map.of(),
                home,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                false);

        int code = Lifeboat.run(c, "audit", "--format", "xml", "--config", "lifeboat.yml");

        assertThat(code).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("lifeboat: --format 'xml' is not text or json")
                .contains("see: lifeboat audit --help")
                .doesNotContain("internal error");
    }
}
