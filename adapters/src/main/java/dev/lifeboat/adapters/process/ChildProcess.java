package dev.lifeboat.adapters.process;

import dev.lifeboat.adapters.tls.TlsSettings;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.DumpTools;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dump or load program running as a child process. Secrets reach it through its environment, never
 * its arguments or a file; its stderr is read line by line, and only diagnostics, masked
 * and bounded by {@link ToolDiagnostics}, reach the log (at most ten a run) and the error message.
 */
final class ChildProcess implements DumpTools.Running {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    private static final int KEPT_LINES = 40;
    /** The tools running now, so that a signal to Lifeboat can stop them (see {@link #stopAll()}). */
    private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();
    /** Set once the process was told to stop: no tool starts after that. */
    private static volatile boolean stopping;

    private final String toolName;
    private final Process process;
    private final Thread stderrReader;
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final List<String> errorLines = new ArrayList<>();
    private final BiFunction<String, String, LifeboatException> failure;
    private volatile boolean killed;

    private ChildProcess(
            String toolName, Process process, Secret secret, BiFunction<String, String, LifeboatException> failure) {
        this.toolName = toolName;
        this.process = process;
        this.failure = failure;
        this.stderrReader =
                Thread.ofPlatform().daemon().name(toolName + "-stderr").start(() -> readStderr(secret));
        RUNNING.add(this);
    }

    /**
     * Starts {@code command}. {@code failure} builds the exception for a failed run from a message and
     * a hint, so a dump fails with a dump error and a load with a restore error.
     */
    static ChildProcess start(
            List<String> command,
            Map<String, String> environment,
            Secret secret,
            boolean feedsInput,
            BiFunction<String, String, LifeboatException> failure) {
        return start(null, command, environment, secret, feedsInput, failure);
    }

    /** {@link #start}, the program named {@code name} in messages (a wrapper runs it). */
    static ChildProcess start(
            String name,
            List<String> command,
            Map<String, String> environment,
            Secret secret,
            boolean feedsInput,
            BiFunction<String, String, LifeboatException> failure) {
        // The JVM passes arguments in the locale's charset (sun.jnu.encoding): under a POSIX locale a database
        // name such as "Kunden d'Été" reaches the tool as "Kunden d'??t??" and names another database.
        Charset argv = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"), StandardCharsets.UTF_8);
        for (String arg : command) {
            if (!argv.newEncoder().canEncode(arg)) {
                throw failure.apply(
                        "cannot pass '" + arg + "' to " + command.getFirst() + ": this process runs in a locale whose"
                                + " charset (" + argv + ") cannot encode it",
                        "run Lifeboat under a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
            }
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment);
        if (!feedsInput) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        String shown =
                name != null ? name : Path.of(command.getFirst()).getFileName().toString();
        if (stopping) {
            throw failure.apply(shown + " was not started: Lifeboat was told to stop", "");
        }
        try {
            return new ChildProcess(shown, pb.start(), secret, failure);
        } catch (IOException e) {
            throw failure.apply(
                    "cannot start " + command.getFirst() + ": " + e.getMessage(),
                    "install the engine's client tools (lifeboat doctor prints the commands) or set LIFEBOAT_PG_BIN / LIFEBOAT_MARIADB_BIN");
        }
    }

    /** At most this many diagnostics of one run are logged; the rest are counted. */
    private static final int LOGGED_LINES = 10;

    private void readStderr(Secret secret) {
        String password = secret == null || secret.isEmpty() ? null : secret.reveal();
        int logged = 0;
        int hiddenLines = 0;
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Optional<String> shown = ToolDiagnostics.shown(line, password);
                if (shown.isEmpty()) {
                    hiddenLines++;
                    continue;
                }
                String safe = shown.get();
                synchronized (lastLines) {
                    lastLines.addLast(safe);
                    if (lastLines.size() > KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                    if (ToolDiagnostics.isError(safe) && errorLines.size() < KEPT_LINES) {
                        errorLines.add(safe);
                    }
                }
                if (logged++ < LOGGED_LINES) {
                    LOG.warn("[{}] {}", toolName, safe);
                }
            }
            if (logged > LOGGED_LINES || hiddenLines > 0) {
                LOG.warn(
                        "[{}] {} more diagnostic lines not logged, {} other lines (statements, data) never shown",
                        toolName,
                        Math.max(0, logged - LOGGED_LINES),
                        hiddenLines);
            }
        } catch (IOException e) {
            LOG.debug("stderr of {} closed: {}", toolName, e.getMessage());
        }
    }

    @Override
    public InputStream output() {
        return process.getInputStream();
    }

    @Override
    public OutputStream input() {
        return process.getOutputStream();
    }

    @Override
    public void awaitSuccess(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw failure.apply(
                        toolName + " did not finish within " + Durations.human(timeout) + " and was stopped", "");
            }
            stderrReader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw failure.apply(toolName + " was interrupted", "retry the operation");
        }
        int exit = process.exitValue();
        List<String> errors;
        List<String> tail;
        synchronized (lastLines) {
            errors = List.copyOf(errorLines);
            tail = List.copyOf(lastLines);
        }
        if (killed) {
            throw failure.apply(toolName + " was stopped before it finished (exit code " + exit + ")", "");
        }
        if (exit > 128 && exit < 128 + 32 && errors.isEmpty()) {
            // The JVM reports a child killed by a signal as 128 + the signal's number.
            int signal = exit - 128;
            throw failure.apply(
                    toolName + " was killed by signal " + signal
                            + (signal == 9 ? " (SIGKILL)" : signal == 15 ? " (SIGTERM)" : ""),
                    signal == 9
                            ? "something outside Lifeboat killed it, most often the kernel's out-of-memory killer or a"
                                    + " container's memory limit: give it more memory, then retry"
                            : "something outside Lifeboat stopped it; retry when that is sorted out");
        }
        if (exit != 0 || !errors.isEmpty()) {
            List<String> shown = errors.isEmpty() ? tail : errors;
            shown = shown.subList(Math.max(0, shown.size() - 5), shown.size());
            String detail = shown.isEmpty() ? "it printed no diagnostic on stderr" : String.join(" | ", shown);
            throw failure.apply(
                    toolName + " failed with exit code " + exit + ": " + detail,
                    TlsSettings.speaksOfTls(detail)
                            ? TlsSettings.refusedHint(null)
                            : "fix the cause it names, then retry");
        }
    }

    /** Whether the program still runs. */
    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void kill() {
        killed = true;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * Kills every tool Lifeboat is running, for a process that was told to stop (SIGINT, SIGTERM): the
     * operations waiting on them then fail and clean up after themselves as on any failure (the upload is
     * aborted, a database the restore created is removed). Returns how many were running.
     */
    static int stopAll() {
        stopping = true;
        int n = 0;
        for (ChildProcess p : RUNNING) {
            p.kill();
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        RUNNING.remove(this);
        if (process.isAlive()) {
            kill();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
