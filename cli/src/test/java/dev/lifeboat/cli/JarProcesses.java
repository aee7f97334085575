package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged command line run as a user runs it (java -jar target/lifeboat.jar), its output appended to a log; every
 * process started is stopped by {@link #close} (a failed assertion must not leave a streamer running).
 */
final class JarProcesses implements AutoCloseable {
    private static final Path JAR = Path.of("target/lifeboat.jar");
    private final Map<String, String> environment;
    private final List<Process> started = new ArrayList<>();

    JarProcesses(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Runs a command to its end (at most three minutes); its exit code. */
    int run(Path log, String... args) throws Exception {
        Process p = start(log, args);
        assertThat(p.waitFor(3, TimeUnit.MINUTES))
                .as("lifeboat %s finished", args[0])
                .isTrue();
        return p.exitValue();
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        started.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }
}
