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
 * operator's environment, their stderr on ours, their stdout on ours or into a file, nothing on their stdin.
 * Found on {@code PATH} as a shell finds them.
 */
public final class PlainCommands {
    private PlainCommands() {}

    /** Runs {@code command} to its end; its exit code. {@code stdout}: a file for its output, or null for ours. */
    public static int run(List<String> command, Map<String, String> env, Path stdout)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        String program = cmd.getFirst();
        if (!program.contains("/")) {
            String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            for (String dir : path.split(File.pathSeparator, -1)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isExecutable(candidate)) {
                    cmd.set(0, candidate.toString());
                    break;
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(
                stdout == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(stdout.toFile()));
        Process p = pb.start();
        p.getOutputStream().close();
        return p.waitFor();
    }
}
