package dev.lifeboat.adapters.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An operator's own tools run on their behalf ({@code lifeboat guard -- terraform destroy}): with the
 * operator's environment, their stderr on ours, their stdout on ours or into a file, nothing on their stdin (or, when
 * asked, the operator's terminal).
 * Found on {@code PATH} as a shell finds them.
 */
public final class PlainCommands {
    private PlainCommands() {}

    /** A program that is not there to run: nothing ran. */
    public static final class ProgramNotFoundException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String program;

        ProgramNotFoundException(String program, String message) {
            super(message);
            this.program = program;
        }

        /** The program as it was named. */
        public String program() {
            return program;
        }
    }

    /**
     * Runs {@code command} to its end; its exit code. {@code stdout}: a file for its output, or null for ours.
     *
     * @throws ProgramNotFoundException when the program is not on {@code env}'s PATH (or its path is not executable)
     */
    public static int run(List<String> command, Map<String, String> env, Path stdout)
            throws IOException, InterruptedException {
        return run(command, env, stdout, false);
    }

    /**
     * As {@link #run(List, Map, Path)}; with {@code terminalInput}, the command reads our standard input (the
     * operator's terminal, for a tool that asks its own question), else nothing.
     *
     * @throws ProgramNotFoundException when the program is not on {@code env}'s PATH (or its path is not executable)
     */
    public static int run(List<String> command, Map<String, String> env, Path stdout, boolean terminalInput)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        String program = cmd.getFirst();
        if (!program.contains("/")) {
            String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            boolean found = false;
            for (String dir : path.split(File.pathSeparator, -1)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    cmd.set(0, candidate.toString());
                    found = true;
                    break;
                }
            }
            if (!found) {
                // never this JVM's own PATH: what runs is what the operator's PATH names, or nothing
                throw new ProgramNotFoundException(program, program + " is not on PATH (" + path + ")");
            }
        } else if (!Files.isExecutable(Path.of(program)) || Files.isDirectory(Path.of(program))) {
            throw new ProgramNotFoundException(program, program + " does not exist or is not executable");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(
                stdout == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(stdout.toFile()));
        if (terminalInput) {
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        }
        Process p = pb.start();
        if (!terminalInput) {
            p.getOutputStream().close();
        }
        return p.waitFor();
    }
}
