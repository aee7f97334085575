package dev.lifeboat.cli;

import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.Outcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lifeboat}: backups of RDS databases you can restore when production is gone. The one place
 * that turns failures into messages and exit codes (see {@link ExitCode}).
 */
@Command(
        name = "lifeboat",
        mixinStandardHelpOptions = true,
        versionProvider = Lifeboat.Version.class,
        description = "Independent backups for Amazon RDS: dumps, snapshot copies, restores.",
        subcommands = {
            DumpCommand.class,
            ListCommand.class,
            RestoreDumpCommand.class,
            SnapshotCommand.class,
            PruneCommand.class,
            RestoreCommand.class,
            VerifyCommand.class,
            PreflightCommand.class,
            GuardCommand.class,
            AuditCommand.class,
            ShapeCommand.class,
            DoctorCommand.class,
            StreamCommand.class,
            ChangesCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the operation failed (database, dump or load tool, vault)",
            "2:bad input (usage, an argument, a backup that does not exist); nothing changed",
            "3:refused to protect data (non-empty target, existing database with --create, client too old, a destructive plan without a fresh backup)",
            "4:the backup failed its checksum",
            "70:internal error; please report it with the log",
            "130:stopped by SIGINT (Ctrl-C), after cleaning up",
            "143:stopped by SIGTERM, after cleaning up"
        })
public final class Lifeboat implements Callable<Integer> {
    final Context context;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    Lifeboat(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        // Without a command: the usage, on stderr, as for any other usage error. (A fresh CommandLine here
        // could not build the subcommands, which need the context: exit 70 with a stack trace.)
        spec.commandLine().usage(context.err());
        return ExitCode.BAD_INPUT;
    }

    /** Set when a signal (SIGINT, SIGTERM) started the JVM's shutdown, which System.exit must then not join. */
    private static volatile boolean signalled;

    private static volatile boolean finished;

    /** Whether SIGINT or SIGTERM asked Lifeboat to stop: a command that runs until stopped ends then. */
    static boolean signalled() {
        return signalled;
    }

    public static void main(String[] args) {
        Thread command = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopped(command), "lifeboat-signal"));
        int code;
        try {
            code = run(Context.system(), args);
        } catch (Error e) {
            // picocli hands only Exceptions to the handler; an Error (a class missing from the build) would end the
            // main thread and leave the shutdown hook waiting 30 s for it, then saying "interrupted".
            System.err.println("lifeboat: internal error: " + e);
            e.printStackTrace();
            code = ExitCode.INTERNAL;
        }
        if (HookFastPath.isHook(args) && code != ExitCode.OK && code != ExitCode.BAD_INPUT) {
            // An agent's hook blocks on exit 2 only: on any other code it runs the command (issue 43).
            System.err.println("lifeboat guard: blocked: the guard ended with exit " + code
                    + " (above); a hook blocks what it cannot decide");
            code = ExitCode.BAD_INPUT;
        }
        finished = true;
        if (!signalled) {
            System.exit(code);
        }
    }

    /**
     * SIGINT or SIGTERM: stop the tools, then give the command the time to clean up as on any failure (abort
     * the upload, remove a database the restore created), and say so. The JVM then exits with 128 + the
     * signal's number: 130 for SIGINT (Ctrl-C), 143 for SIGTERM.
     */
    private static void stopped(Thread command) {
        if (finished) {
            return;
        }
        signalled = true;
        int tools = ProcessDumpTools.stopRunningTools();
        System.err.println("lifeboat: interrupted; " + (tools == 0 ? "" : "stopped " + tools + " running tool(s), ")
                + "cleaning up");
        try {
            command.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println(
                finished
                        ? "lifeboat: interrupted: the lines above say what the command did and undid before it stopped"
                        : "lifeboat: interrupted: the command did not finish cleaning up within 30 s; check the target and"
                                + " the vault for what it left");
    }

    /** Every command and option of {@code lifeboat}, built for {@code context}. */
    static CommandLine commandLine(Context context) {
        return new CommandLine(new Lifeboat(context), new Factory(context));
    }

    static int run(Context context, String... args) {
        CommandLine cli = commandLine(context);
        cli.setOut(new PrintWriter(context.out(), true, context.out().charset()));
        cli.setErr(new PrintWriter(context.err(), true, context.err().charset()));
        cli.setExitCodeExceptionMapper(ExitCode::of);
        cli.setExecutionExceptionHandler((thrown, commandLine, parsed) -> {
            // A request a command did not translate is still the operator's input, said in the command line's words.
            Exception e = thrown instanceof dev.lifeboat.protocol.request.BadRequest bad
                    ? dev.lifeboat.core.error.InvalidInputException.of(bad)
                    : thrown;
            context.err().println();
            if (e instanceof LifeboatException le) {
                context.err().println("lifeboat: " + le.getMessage());
                if (!le.hint().isEmpty()) {
                    context.err().println("  what to do: " + le.hint());
                } else if (le.outcome() == Outcome.BAD_INPUT) {
                    context.err().println("  see: lifeboat " + commandLine.getCommandName() + " --help");
                }
            } else if (e instanceof CommandLine.ParameterException) {
                context.err().println("lifeboat: " + e.getMessage());
                return ExitCode.BAD_INPUT;
            } else {
                context.err().println("lifeboat: internal error: " + e);
                e.printStackTrace(context.err());
            }
            return ExitCode.of(e);
        });
        cli.setParameterExceptionHandler((e, a) -> {
            context.err().println("lifeboat: " + e.getMessage());
            context.err()
                    .println("  see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            return ExitCode.BAD_INPUT;
        });
        try {
            return cli.execute(args);
        } finally {
            context.close();
        }
    }

    /** Hands every command the context. */
    private record Factory(Context context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Context.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    /** The version, the commit and its time (BuildInfo), and the Java runtime it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                dev.lifeboat.protocol.BuildInfo.current().describe(),
                "runtime: Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") at "
                        + System.getProperty("java.home")
            };
        }
    }
}
