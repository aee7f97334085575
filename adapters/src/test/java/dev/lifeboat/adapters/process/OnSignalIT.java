package dev.lifeboat.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.MainProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal that comes after the work is done (its result printed, before the process exits) changes nothing it did:
 * a dump or restore task exits 0 (RestoreTaskFaultsIT saw 143 with a whole restore, on a fast run), while work that
 * runs until stopped keeps 143.
 */
class OnSignalIT {
    /** Prints its result, then lingers before exiting, as a task closing its clients does. */
    public static final class FinishedWork {
        public static void main(String[] args) throws Exception {
            OnSignal stop = OnSignal.install(System.err);
            if (args.length > 0 && args[0].equals("bounded")) {
                stop.successOutlivesTheSignal();
            }
            System.out.println("done");
            System.out.flush();
            Thread.sleep(3000);
            stop.exit(0);
        }
    }

    private static int runAndSignal(Path dir, String mode) throws Exception {
        Process p = MainProcess.start(FinishedWork.class.getName(), Map.of(), dir, mode);
        Path out = dir.resolve("out");
        for (int i = 0; i < 200 && !Files.readString(out).contains("done"); i++) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(out)).contains("done");
        new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return p.exitValue();
    }

    @Test
    void boundedWorkThatHadFinished_exitsZero_underSigterm(@TempDir Path dir) throws Exception {
        assertThat(runAndSignal(dir, "bounded")).isZero();
        assertThat(Files.readString(dir.resolve("err"))).contains("the work had finished when the signal came");
    }

    @Test
    void workThatRunsUntilStopped_exits143(@TempDir Path dir) throws Exception {
        assertThat(runAndSignal(dir, "until-stopped")).isEqualTo(143);
    }
}
