package dev.lifeboat.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs lifeboat commands in this JVM against moto, capturing what they print. */
final class InProcessLifeboat {
    private final Map<String, String> env;
    private final Map<String, String> extraEnv = new java.util.HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Clock clock = Clock.systemUTC();
    private byte[] input = new byte[0];
    private boolean terminal;

    InProcessLifeboat(String awsEndpoint, String region) {
        this.env = Map.of("AWS_ENDPOINT_URL", awsEndpoint, "AWS_REGION", region);
    }

    /** Runs the next commands as if at {@code other}'s time (retention's age rules, for one). */
    InProcessLifeboat at(Clock other) {
        this.clock = other;
        return this;
    }

    /** An environment variable of the next commands (PATH, for a tool they run). */
    InProcessLifeboat env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** What the next commands read on stdin. */
    InProcessLifeboat input(String text) {
        this.input = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Whether the next commands run at a terminal (a human who can answer a question), reading {@link #input}. */
    InProcessLifeboat terminal(boolean atATerminal) {
        this.terminal = atATerminal;
        return this;
    }

    int run(String... args) {
        out.reset();
        err.reset();
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(extraEnv);
        Context c = new Context(
                all,
                Path.of("/nonexistent"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                clock,
                terminal,
                new java.io.ByteArrayInputStream(input));
        return Lifeboat.run(c, args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
