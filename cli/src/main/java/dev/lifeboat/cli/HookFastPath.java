package dev.lifeboat.cli;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.CommandHook;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code lifeboat guard --hook} for the ordinary command, before the command line's framework, lifeboat.yml or an AWS
 * client is loaded (issue 43: the hook sits before every command an agent runs). It reads the hook's input and the
 * command exactly as {@link GuardCommand} does ({@link CommandHook#hookCommand}, {@link CommandHook#read}); a command
 * with no danger in sight is allowed at once, as the full path would allow it. Everything else (a danger, input that
 * is not a hook's, an argument it does not know) goes the full path with the input it read, which decides and says
 * why: this path can only allow what the full path allows, never block or allow anything else.
 */
public final class HookFastPath {
    /** Flags the full path accepts on an ordinary hook command without acting on them before it reads the command. */
    private static final Set<String> FLAGS = Set.of("--hook", "--take-backup", "--no-snapshots");

    /** Options with a value that the full path does not look at before it reads the command. */
    private static final Set<String> VALUED = Set.of("--config", "--vault", "--budget");

    private HookFastPath() {}

    /**
     * The jar's entry point: the hook's ordinary command is decided here, before {@link Lifeboat} (and with it picocli)
     * is loaded; everything else is {@link Lifeboat#main}'s, with the hook's input as it was read. A hook runs on a
     * thread with a large stack (a long quoted string or a deep nesting is read by recursion) and ends in 0 or 2 only:
     * an agent runs the command on any other exit code, so whatever fails, even an Error, blocks (issue 43).
     */
    public static void main(String[] args) throws InterruptedException {
        if (!isHook(args)) {
            Lifeboat.main(args);
            return;
        }
        Thread hook = new Thread(null, () -> hook(args), "lifeboat-hook", HOOK_STACK);
        hook.start();
        hook.join();
    }

    /** The hook's thread's stack: the reader recurses once per character of some constructs. */
    static final long HOOK_STACK = 512L << 20;

    /** Whether {@code args} are {@code guard ... --hook ...}: an invocation whose exit code an agent reads. */
    static boolean isHook(String[] args) {
        return args.length > 0
                && args[0].equals("guard")
                && java.util.Arrays.asList(args).contains("--hook");
    }

    private static void hook(String[] args) {
        try {
            if (applies(args)) {
                byte[] input;
                try {
                    input = System.in.readNBytes(CommandHook.MAX_INPUT + 1);
                } catch (java.io.IOException e) {
                    input = null; // the full path reads what is left and says what went wrong
                }
                if (input != null) {
                    CommandHook.HookInput harmless;
                    try {
                        harmless = harmlessInput(input, System.getenv());
                    } catch (RuntimeException e) {
                        harmless = null; // the full path reads it again and says what went wrong
                    }
                    if (harmless != null) {
                        String answer = CommandHook.allowAnswer(harmless.agent());
                        if (answer != null) {
                            System.out.println(answer); // Cursor runs the command on this answer only
                            System.out.flush();
                        }
                        System.exit(0);
                    }
                    System.setIn(new java.io.ByteArrayInputStream(input)); // the full path reads the same input
                }
            }
            Lifeboat.main(args);
        } catch (Throwable e) { // NOPMD: a hook that fails must block, whatever failed
            System.err.println("lifeboat guard: blocked: the guard could not decide ("
                    + e.getClass().getSimpleName() + "); a hook blocks what it cannot read (docs/guard.md)");
            System.exit(ExitCode.BAD_INPUT);
        }
    }

    /**
     * Whether {@code args} are a hook invocation this path can decide, exactly: {@code guard --hook}, with {@code
     * --config FILE} (the full path refuses a hook without lifeboat.yml unless it takes backups), and nothing else but
     * options it does not read before the command.
     */
    static boolean applies(String[] args) {
        if (args.length < 2 || !args[0].equals("guard")) {
            return false;
        }
        boolean hook = false;
        boolean config = false;
        boolean takeBackup = false;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (!seen.add(name)) {
                return false; // given twice: picocli refuses it, and the full path says so
            }
            if (FLAGS.contains(a)) {
                hook |= a.equals("--hook");
                takeBackup |= a.equals("--take-backup");
            } else if (VALUED.contains(name)) {
                if (!a.contains("=")) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                        return false; // the full path says what is missing
                    }
                    i++;
                }
                config |= name.equals("--config");
            } else {
                return false; // --plan, --format, --max-age, --source, --, a typo: the full path's to judge
            }
        }
        return hook && (config || takeBackup);
    }

    /** Whether the hook's {@code input} holds a command that destroys nothing (false: the full path decides). */
    static boolean harmless(byte[] input, java.util.Map<String, String> env) {
        return harmlessInput(input, env) != null;
    }

    /**
     * The hook's {@code input} when its command destroys nothing, read in the directory the agent runs it in (its
     * {@code cwd}, as the full path reads it); null when the full path decides.
     */
    static CommandHook.HookInput harmlessInput(byte[] input, java.util.Map<String, String> env) {
        CommandHook.HookInput in;
        try {
            in = CommandHook.hookInput(input);
        } catch (InvalidInputException e) {
            return null;
        }
        Path dir = in.directory() != null ? in.directory() : Path.of("").toAbsolutePath();
        return CommandHook.read(in.command(), new CommandHook.Context(env, dir)).isEmpty() ? in : null;
    }
}
