package dev.lifeboat.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An entrypoint run as its container runs it: a process of its own ({@code java -cp ... MAIN}), on the test's class
 * path, with the environment given; its exit code, standard output and standard error. For the ECS Fargate tasks'
 * entrypoints (issue 13), whose only inputs are environment variables.
 */
public final class MainProcess {
    public record Ran(int exit, String out, String err) {}

    private MainProcess() {}

    /** Starts {@code mainClass} with {@code env} added, its output going to {@code dir}'s files out and err. */
    public static Process start(String mainClass, Map<String, String> env, Path dir, String... args)
            throws java.io.IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("out").toFile());
        pb.redirectError(dir.resolve("err").toFile());
        return pb.start();
    }

    /** Runs {@code mainClass} with {@code env} added, its output kept in {@code dir}; at most five minutes. */
    public static Ran run(String mainClass, Map<String, String> env, Path dir) throws Exception {
        Process p = start(mainClass, env, dir);
        assertThat(p.waitFor(5, TimeUnit.MINUTES))
                .as(mainClass + " ended within five minutes")
                .isTrue();
        return new Ran(
                p.exitValue(),
                Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }
}
