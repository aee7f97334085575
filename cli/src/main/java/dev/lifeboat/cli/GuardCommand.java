package dev.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.adapters.process.PlainCommands;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.CommandHook;
import dev.lifeboat.core.guard.DatabaseAddress;
import dev.lifeboat.core.guard.Guarding;
import dev.lifeboat.core.guard.HookDecision;
import dev.lifeboat.core.guard.PulumiRun;
import dev.lifeboat.core.guard.TerraformPlan;
import dev.lifeboat.core.guard.TerraformRun;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "guard",
        mixinStandardHelpOptions = true,
        description = {
            "Refuse a destructive change while the databases it deletes lack a fresh good backup.",
            "--plan: the JSON of a Terraform or OpenTofu plan (terraform show -json plan.out); every database it"
                    + " deletes, replaces or strips of its backups must be in lifeboat.yml and have a dump or a snapshot"
                    + " copy younger than --max-age. Exit 0: allowed; 3: refused, with what is missing and the command"
                    + " that fixes it; 2: bad input.",
            "--hook: read the command about to run on stdin (plain text, or a coding agent's hook JSON with"
                    + " tool_input.command) and block it (exit 2, the reason on stderr) when it would destroy a"
                    + " database without a fresh backup (docs/guard.md)."
        })
final class GuardCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Context context;

    @Option(
            names = "--plan",
            paramLabel = "PLAN.json",
            description = "the plan as JSON: terraform/tofu show -json, pulumi preview --json, or aws cloudformation"
                    + " describe-change-set --include-property-values")
    Path plan;

    @Option(names = "--hook", description = "read the command about to run on stdin")
    boolean hook;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "lifeboat.yml (needed for --plan, --hook and terraform; not to back up a database a command"
                    + " names with --take-backup)")
    Path config;

    @Option(
            names = "--vault",
            paramLabel = "URI",
            description = "the vault to look in (file:DIR or s3://BUCKET/PREFIX), instead of lifeboat.yml's")
    String vault;

    @Option(
            names = "--max-age",
            paramLabel = "DURATION",
            description = "how old the newest good backup may be: 26h, 90m, 2d (default: each database's"
                    + " schedules.maxAge in lifeboat.yml, 26h unless set)")
    String maxAge;

    @Option(
            names = "--no-snapshots",
            description = "look at the vault's dumps only, not at the snapshot copies (no AWS credentials needed)")
    boolean noSnapshots;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    String format;

    @Option(
            names = "--take-backup",
            description = "with --plan: for each database that is short of a fresh backup, dump it into the vault (from"
                    + " --source ID=URL, or its dump.secretArn in lifeboat.yml) and start a snapshot copy (unless"
                    + " --no-snapshots), waiting for the copy where no dump could be taken; then decide again")
    boolean takeBackup;

    @Option(
            names = "--budget",
            paramLabel = "DURATION",
            defaultValue = "45s",
            description = "with --hook --take-backup: how long the hook may spend dumping the database a command would"
                    + " destroy before it blocks the command instead (e.g. 45s, 2m; default: ${DEFAULT-VALUE}; keep it"
                    + " under the agent's hook timeout, 60 s in Claude Code unless its hook sets timeout)")
    String budget;

    @Option(
            names = "--poll-seconds",
            defaultValue = "30",
            paramLabel = "S",
            description = "with --take-backup: first wait between polls of a snapshot copy; doubles up to 5 minutes"
                    + " (default: ${DEFAULT-VALUE})")
    long pollSeconds;

    @Option(
            names = "--max-wait-minutes",
            defaultValue = "90",
            paramLabel = "M",
            description = "with --take-backup: how long to wait for a snapshot copy; the run goes on in AWS after"
                    + " (default: ${DEFAULT-VALUE})")
    long maxWaitMinutes;

    @Option(
            names = "--source",
            paramLabel = "ID=URL",
            description = "where database ID is reachable from here, e.g."
                    + " orders=postgresql://app@localhost:5432/orders (password from the engine's usual places): with"
                    + " --take-backup, what to dump; with --hook, the server a command's database must be on to count"
                    + " as ID (else ID's dump secret's host)")
    java.util.Map<String, String> sources;

    @Option(
            names = "--yes",
            description = "with -- COMMAND: do not ask a human at a terminal to type the name of each database the"
                    + " allowed command deletes (for scripts; with no terminal nothing is asked)")
    boolean yes;

    @picocli.CommandLine.Parameters(
            paramLabel = "-- COMMAND",
            arity = "0..*",
            description = "the wrapper: lifeboat guard --config lifeboat.yml -- terraform destroy ... plans the command"
                    + " (terraform plan, -destroy for a destroy), guards the plan, and only when allowed applies"
                    + " exactly that plan; -- pulumi up|destroy ... previews it (pulumi preview --json --save-plan),"
                    + " guards the preview and only when allowed runs it (pulumi up --plan, held to the preview)")
    List<String> command;

    GuardCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        boolean wrap = command != null && !command.isEmpty();
        if ((plan != null ? 1 : 0) + (hook ? 1 : 0) + (wrap ? 1 : 0) != 1) {
            throw new InvalidInputException(
                    "give --plan PLAN.json, --hook, or -- COMMAND (terraform destroy ...): one of them");
        }
        try {
            if (wrap && !TerraformRun.isTerraform(command.getFirst()) && !PulumiRun.wraps(command)) {
                return wrapDatabaseCommand();
            }
            if (config == null && !(hook && takeBackup)) {
                throw new InvalidInputException("give --config lifeboat.yml: "
                        + (wrap
                                ? "the wrapper guards a Terraform plan or a Pulumi preview by the databases"
                                        + " lifeboat.yml protects"
                                : "the guard decides by the databases lifeboat.yml protects"));
            }
            if (wrap) {
                return PulumiRun.isPulumi(command.getFirst()) ? wrapPulumi() : wrap();
            }
            return hook ? guardHook() : guardPlan();
        } finally {
            if (lastRds != null) {
                lastRds.close();
            }
        }
    }

    private int guardPlan() throws IOException, InterruptedException {
        return decide(null);
    }

    /** The hook's input once read: its agent (how to answer) and the directory its command runs in. */
    private CommandHook.HookInput hookInput;

    /** The dangers the hook's command was blocked for, for an agent that takes the reason on stdout. */
    private List<CommandHook.Danger> hookDangers = List.of();

    private int guardHook() throws IOException, InterruptedException {
        try {
            hookInput = CommandHook.hookInput(context.in().readNBytes(CommandHook.MAX_INPUT + 1));
        } catch (dev.lifeboat.core.error.InvalidInputException e) {
            context.err().println("lifeboat guard: blocked: " + e.getMessage() + ". " + e.hint());
            return ExitCode.BAD_INPUT; // a hook's "block" (exit 2; the reason on stderr): never allowed by failing
        }
        int code = ExitCode.BAD_INPUT;
        try {
            code = decide(hookInput.command());
            return code == ExitCode.OK ? ExitCode.OK : ExitCode.BAD_INPUT;
        } finally {
            // The agents that read their answer on stdout (Cursor) get it too; whatever failed, it is a block.
            String answer = code == ExitCode.OK
                    ? CommandHook.allowAnswer(hookInput.agent())
                    : CommandHook.denyAnswer(hookInput.agent(), hookReason());
            if (answer != null) {
                context.out().println(answer);
                context.out().flush();
            }
        }
    }

    /** The reason of a block, in one line, for an agent that shows it from stdout; the details are on stderr. */
    private String hookReason() {
        String what = String.join(
                ", ",
                hookDangers.stream().map(d -> "`" + d.what() + "`").distinct().toList());
        return "lifeboat guard blocked "
                + (what.isEmpty() ? "this command: the guard could not decide on it" : what)
                + " (it could destroy a database without a fresh backup); the reasons and the fix are on the hook's"
                + " stderr and in docs/guard.md";
    }

    /** Where the hook's command runs: the agent's cwd when it gives one, else this process's directory. */
    private Path hookDirectory() {
        return hookInput != null && hookInput.directory() != null
                ? hookInput.directory()
                : Path.of("").toAbsolutePath();
    }

    /** Guards the plan in {@link #plan}, or the hook's {@code hookCommand} when not null. */
    private int decide(String hookCommand) throws IOException, InterruptedException {
        if (!format.equals("text") && !format.equals("json")) {
            throw new InvalidInputException("--format '" + format + "' is not text or json");
        }
        Duration limit = maxAge == null ? null : duration(maxAge);
        boolean fromHook = hookCommand != null;
        List<CommandHook.Danger> dangers = List.of();
        if (fromHook) {
            dangers = CommandHook.read(hookCommand, new CommandHook.Context(context.env(), hookDirectory()));
            hookDangers = dangers;
            if (dangers.isEmpty()) {
                return ExitCode.OK;
            }
        }
        List<CommandHook.Danger> databases = dangers.stream()
                .filter(d -> d.target() == CommandHook.Target.DATABASE)
                .toList();
        // The hook takes the backup too (issue 43): a command whose every danger is a database it names, with no fresh
        // backup, is allowed once that database was dumped and read back within the budget; without lifeboat.yml
        // that is all the hook can allow.
        boolean mayBackUp = fromHook && takeBackup && !databases.isEmpty() && databases.size() == dangers.size();
        if (fromHook && config == null) {
            if (mayBackUp) {
                return backedUpInTheHook(databases, hookCommand);
            }
            dangers.stream()
                    .filter(d -> d.target() != CommandHook.Target.DATABASE)
                    .forEach(d -> context.err()
                            .println("lifeboat guard: blocked `" + d.what() + "`: "
                                    + (d.reason() != null
                                            ? d.reason() + "; fix: " + d.fix()
                                            : "whether it may run depends on the backups of the databases"
                                                    + " lifeboat.yml protects; give the hook --config lifeboat.yml")));
            return ExitCode.BAD_INPUT;
        }
        LifeboatConfig cfg = ConfigLoader.load(config);
        List<TerraformPlan.Deletion> deletions;
        if (fromHook) {
            Vault v = vault != null ? context.vaultAt(vault, cfg) : context.vault(cfg);
            if (!noSnapshots) {
                lastRds = context.rds(cfg);
            }
            HookDecision.Result r = HookDecision.decide(
                    cfg,
                    dangers,
                    new Guarding(v, noSnapshots ? null : lastRds, context.clock()),
                    limit,
                    config.toString(),
                    addresses());
            if (r.allowed()) {
                return ExitCode.OK;
            }
            if (mayBackUp) {
                return backedUpInTheHook(databases, hookCommand);
            }
            r.blocked().forEach(b -> context.err().println("lifeboat guard: " + b));
            if (r.guarded() != null && !r.guarded().allowed()) {
                context.err().println("lifeboat guard: blocked: " + summary(r.guarded()));
            }
            return ExitCode.BAD_INPUT; // a hook's "block" (exit 2; the reason on stderr)
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(plan);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("--plan " + plan + " does not exist");
        }
        deletions = dev.lifeboat.core.guard.Plans.deletions(bytes, plan.toString());
        Vault v = vault != null ? context.vaultAt(vault, cfg) : context.vault(cfg);
        Guarding.Decision decision;
        if (noSnapshots) {
            decision = new Guarding(v, null, context.clock()).decide(cfg, deletions, limit);
        } else {
            lastRds = context.rds(cfg);
            decision = new Guarding(v, lastRds, context.clock()).decide(cfg, deletions, limit);
        }
        lastDecision = decision;
        if (!decision.allowed() && takeBackup) {
            int taken = takeBackups(cfg, v, decision);
            if (taken > 0) {
                decision = new Guarding(v, noSnapshots ? null : lastRds, context.clock()).decide(cfg, deletions, limit);
                lastDecision = decision;
            }
        }
        if (format.equals("json")) {
            context.out().println(json(decision).toPrettyString());
        } else {
            print(decision);
        }
        return decision.allowed() ? ExitCode.OK : ExitCode.REFUSED;
    }

    /**
     * The wrapper: plan what the command would do, guard the plan, apply exactly that plan when allowed. Applying
     * the saved plan, not re-running the command, makes what was checked what runs.
     */
    private int wrap() throws IOException, InterruptedException {
        TerraformRun tf = TerraformRun.parse(command);
        Path work = Files.createTempDirectory("lifeboat-guard");
        try {
            String planFile;
            if (tf.savedPlan() != null) {
                planFile = tf.savedPlan();
            } else {
                planFile = work.resolve("plan.out").toString();
                List<String> planCommand = tf.planCommand(Path.of(planFile));
                int code = run(planCommand, null);
                if (code != 0) {
                    context.err()
                            .println("lifeboat guard: `" + String.join(" ", planCommand) + "` failed (exit " + code
                                    + "); nothing was applied");
                    return ExitCode.FAILED;
                }
            }
            Path json = work.resolve("plan.json");
            int shown = run(tf.showCommand(planFile), json);
            if (shown != 0) {
                context.err()
                        .println("lifeboat guard: `" + String.join(" ", tf.showCommand(planFile)) + "` failed (exit "
                                + shown + "); nothing was applied");
                return ExitCode.FAILED;
            }
            plan = json;
            int decided = guardPlan();
            if (decided != ExitCode.OK) {
                context.err().println("lifeboat guard: refused; nothing was applied");
                return decided;
            }
            if (!confirmed(deletedDatabases(lastDecision), String.join(" ", command))) {
                return ExitCode.REFUSED;
            }
            return run(tf.applyCommand(planFile), null);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * The wrapper for Pulumi: preview what the command would do ({@code pulumi preview --json --save-plan PLAN}, or
     * {@code pulumi destroy --preview-only --json}), guard the preview, and only when allowed run the command: an
     * update held to the saved plan ({@code pulumi up --plan PLAN}), so it can do nothing the guard did not see; a
     * destroy as given (Pulumi has no plan for a destroy: what the stack holds when it runs is what it deletes).
     */
    private int wrapPulumi() throws IOException, InterruptedException {
        PulumiRun p = PulumiRun.parse(command);
        Path work = Files.createTempDirectory("lifeboat-guard");
        try {
            Path saved = work.resolve("update-plan.json");
            Path json = work.resolve("preview.json");
            List<String> preview = p.previewCommand(saved);
            int code = run(preview, json);
            if (code != 0) {
                context.err()
                        .println("lifeboat guard: `" + String.join(" ", preview) + "` failed (exit " + code
                                + "); nothing ran");
                return ExitCode.FAILED;
            }
            plan = json;
            int decided = guardPlan();
            if (decided != ExitCode.OK) {
                context.err().println("lifeboat guard: refused; nothing ran");
                return decided;
            }
            if (!confirmed(deletedDatabases(lastDecision), String.join(" ", command))) {
                return ExitCode.REFUSED;
            }
            // at a terminal, Pulumi asks its own question (without --yes it refuses to run when there is none)
            return run(p.runCommand(saved), null, context.terminal());
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The identifiers of the databases (instances, clusters) a decision lets the plan delete or replace. */
    private static List<String> deletedDatabases(Guarding.Decision decision) {
        if (decision == null) {
            return List.of();
        }
        return decision.findings().stream()
                .map(Guarding.Finding::deletion)
                .filter(d -> d.kind() != TerraformPlan.Kind.BACKUPS && d.weakens() == null)
                .map(d -> d.identifier() == null ? d.address() : d.identifier())
                .distinct()
                .toList();
    }

    /**
     * The typed confirmation of a human at a terminal (issue 43): after the guard's report, the name of each database
     * the command deletes must be typed as it is; anything else (another case, nothing, the end of the input) runs
     * nothing. Not asked with {@code --yes}, without a terminal (agents, CI), or when no database is deleted.
     */
    private boolean confirmed(List<String> databases, String what) throws IOException {
        if (databases.isEmpty() || yes || !context.terminal()) {
            return true;
        }
        context.err()
                .println("lifeboat guard: `" + what + "` deletes "
                        + (databases.size() == 1 ? "the database " : "the" + " databases ")
                        + String.join(", ", databases) + ".");
        for (String name : databases) {
            context.err().print("lifeboat guard: type " + name + " to go ahead (anything else runs nothing): ");
            context.err().flush();
            String typed = typed().readLine();
            if (typed != null && typed.endsWith("\r")) {
                typed = typed.substring(0, typed.length() - 1);
            }
            if (!name.equals(typed)) {
                context.err()
                        .println("lifeboat guard: "
                                + (typed == null || typed.isEmpty() ? "nothing was typed" : "that is" + " not " + name)
                                + "; nothing ran");
                return false;
            }
        }
        return true;
    }

    private java.io.BufferedReader typing;

    private java.io.BufferedReader typed() {
        if (typing == null) {
            typing = new java.io.BufferedReader(
                    new java.io.InputStreamReader(context.in(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return typing;
    }

    /** The decision of the last plan guarded here (the wrapper's, for its confirmation). */
    private Guarding.Decision lastDecision;

    /**
     * The wrapper for any command but Terraform's: the guard reads it as the hook does; a command that destroys
     * nothing runs; one that destroys a database the guard can name (its URL in the command or {@code DATABASE_URL},
     * or the {@code PG*} variables) runs only after, with {@code --take-backup}, that database was dumped into the
     * vault and read back whole; anything else is refused (exit 3) and nothing runs.
     */
    private int wrapDatabaseCommand() throws IOException, InterruptedException {
        Path here = Path.of("").toAbsolutePath();
        String line = String.join(
                " ",
                command.stream().map(dev.lifeboat.protocol.ShellWords::quoted).toList());
        List<CommandHook.Danger> dangers = CommandHook.read(line, new CommandHook.Context(context.env(), here));
        List<CommandHook.Danger> databases = dangers.stream()
                .filter(d -> d.target() == CommandHook.Target.DATABASE)
                .toList();
        if (dangers.size() > databases.size()) {
            dangers.stream()
                    .filter(d -> d.target() != CommandHook.Target.DATABASE)
                    .forEach(d -> context.err()
                            .println("lifeboat guard: refused `" + d.what() + "`: "
                                    + (d.reason() == null
                                            ? "it destroys what the wrapper cannot back up (only a database a command"
                                                    + " names, or a Terraform plan with --config)"
                                            : d.reason() + "; fix: " + d.fix())
                                    + "; nothing ran"));
            return ExitCode.REFUSED;
        }
        if (!databases.isEmpty()) {
            if (!takeBackup) {
                context.err()
                        .println("lifeboat guard: refused `"
                                + databases.getFirst().what() + "`: it destroys data in "
                                + Optional.ofNullable(databases.getFirst().identifier())
                                        .map(GuardCommand::redacted)
                                        .orElse("a database")
                                + " and no backup was asked for; nothing ran. Fix: lifeboat guard --take-backup -- "
                                + line);
                return ExitCode.REFUSED;
            }
            List<String> names = new java.util.ArrayList<>();
            if (!backUp(databases, null, names)) {
                return ExitCode.REFUSED;
            }
            if (!confirmed(names, line)) {
                return ExitCode.REFUSED;
            }
        }
        return run(command, null);
    }

    /**
     * Dumps each database the commands name into {@code --vault} (a local {@code .lifeboat-vault} by default) and reads
     * it back whole, saying where each backup is and how to restore it; {@code within}: how long each dump may take
     * (null: a wrapper's, unbounded in practice). Whether every database was backed up; if not, it says why and
     * nothing may run.
     */
    private boolean backUp(List<CommandHook.Danger> databases, Duration within, List<String> names) {
        Path here = Path.of("").toAbsolutePath();
        String vaultUri = vault != null ? vault : "file:" + here.resolve(".lifeboat-vault");
        Vault v = context.aws().vault(vaultUri, dev.lifeboat.adapters.s3.S3Vault.Settings::of, context.clock());
        java.util.Set<String> done = new java.util.HashSet<>();
        for (CommandHook.Danger d : databases) {
            dev.lifeboat.core.model.DatabaseTarget target;
            try {
                target = BackupTarget.of(d, context.env(), context.home());
            } catch (InvalidInputException | IllegalArgumentException e) {
                context.err()
                        .println("lifeboat guard: refused `" + d.what() + "`: " + e.getMessage()
                                + "; nothing ran. Fix: set DATABASE_URL (postgres://USER@HOST:PORT/DB, mysql://,"
                                + " mariadb://) or PGHOST, PGPORT, PGUSER and PGDATABASE for the command");
                return false;
            }
            if (!done.add(target.describe())) {
                continue;
            }
            names.add(target.database());
            String id = BackupTarget.databaseId(target.database());
            try {
                var m = new dev.lifeboat.core.dump.TakingDump(
                                v,
                                context.inspector(),
                                context.tools(),
                                context.clock(),
                                within == null
                                        ? dev.lifeboat.core.dump.TakingDump.Settings.DEFAULTS
                                        : new dev.lifeboat.core.dump.TakingDump.Settings(
                                                dev.lifeboat.core.dump.TakingDump.Settings.DEFAULTS
                                                        .exactRowCountThreshold(),
                                                within))
                        .dump(new dev.lifeboat.core.dump.TakingDump.Command(id, target, null, null))
                        .manifest();
                m = dev.lifeboat.core.restore.ReadingBack.check(v, context.clock(), m);
                context.err()
                        .println("lifeboat guard: backed up " + target.describe() + " before `" + d.what() + "`:"
                                + " backup " + m.backupId() + " of " + id + " in " + v.describe() + " ("
                                + m.sizeBytes() + " bytes, read back whole, sha256 " + m.sha256() + ")");
                context.err()
                        .println("lifeboat guard: restore it with: lifeboat restore --from dump --vault " + vaultUri
                                + " --database " + id + " --backup " + m.backupId() + " --target "
                                + target.engine().urlScheme() + "://" + target.user() + "@" + target.host() + ":"
                                + target.port() + "/" + target.database() + "_restored --create");
            } catch (RuntimeException e) {
                context.err()
                        .println("lifeboat guard: refused `" + d.what() + "`: the backup of " + target.describe()
                                + " failed (" + describe(e) + "); nothing ran");
                return false;
            }
        }
        return true;
    }

    /** The hook's backup: allowed (0) once taken, else blocked (2) with the command that takes one outside it. */
    private int backedUpInTheHook(List<CommandHook.Danger> databases, String hookCommand) {
        Duration within = hookBudget();
        if (backUp(databases, within, new java.util.ArrayList<>())) {
            return ExitCode.OK;
        }
        context.err()
                .println("lifeboat guard: blocked: no backup was taken within --budget " + Durations.human(within)
                        + "; take one first, then run the command again: lifeboat guard --take-backup -- "
                        + hookCommand.strip());
        return ExitCode.BAD_INPUT;
    }

    private Duration hookBudget() {
        String t = budget.trim();
        if (t.matches("[0-9]{1,5}s") && Long.parseLong(t.substring(0, t.length() - 1)) > 0) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        return dev.lifeboat.core.model.Durations.parse(t, "--budget");
    }

    private static String describe(RuntimeException e) {
        return e instanceof dev.lifeboat.core.error.LifeboatException le
                ? le.describe()
                : String.valueOf(e.getMessage());
    }

    private static String redacted(String url) {
        return url.replaceAll("(://[^:/@]+):[^@/]*@", "$1:***@");
    }

    /**
     * Where each database of lifeboat.yml is served, for the hook to match a command's database by server and name:
     * the URL given with {@code --source ID=URL}, else the host of its dump secret (read once, when a command needs
     * it). A secret that cannot be read gives no address, and the command is blocked as unknown.
     */
    private HookDecision.Addresses addresses() {
        java.util.Map<String, Optional<DatabaseAddress>> known = new java.util.HashMap<>();
        return db -> known.computeIfAbsent(db.id(), id -> address(db));
    }

    private Optional<DatabaseAddress> address(LifeboatConfig.Database db) {
        String url = sources == null ? null : sources.get(db.id());
        if (url != null) {
            Optional<DatabaseAddress> a = DatabaseAddress.ofUrl(url);
            if (a.isEmpty()) {
                context.err()
                        .println("lifeboat guard: --source " + db.id() + "=... is not a database URL"
                                + " (postgresql://USER@HOST:PORT/DB, mysql://, mariadb://)");
            }
            return a;
        }
        Optional<LifeboatConfig.DumpSettings> dump = Optional.ofNullable(db.dump());
        String secret = dump.map(LifeboatConfig.DumpSettings::secretArn).orElse(null);
        if (secret == null) {
            return Optional.empty();
        }
        try {
            dev.lifeboat.core.model.DatabaseTarget t = context.database(null, null, "dump.secretArn", secret);
            String name = dump.map(LifeboatConfig.DumpSettings::dbname).orElse(t.database());
            return Optional.of(new DatabaseAddress(t.engine(), t.host(), t.port(), name));
        } catch (RuntimeException e) {
            context.err()
                    .println("lifeboat guard: cannot read the dump secret of " + db.id() + " (" + e.getMessage()
                            + "), so no command's database can be matched to it; give --source " + db.id() + "=URL");
            return Optional.empty();
        }
    }

    /** The RDS gateway of this decision (closed with the context's clients). */
    private RdsGateway lastRds;

    /**
     * For every refused database: a dump into {@code vault} where it is reachable, and a snapshot copy started
     * where snapshots are looked at, followed to its end when no dump was taken (else left running). The number of
     * backups that came to exist.
     */
    private int takeBackups(LifeboatConfig cfg, Vault vault, Guarding.Decision decision) throws InterruptedException {
        int taken = 0;
        for (Guarding.Finding f : decision.findings()) {
            if (f.allowed() || f.databaseId() == null) {
                continue;
            }
            String id = f.databaseId();
            boolean dumped = dump(cfg, vault, id);
            if (dumped) {
                taken++;
            }
            if (lastRds != null && copy(cfg, id, !dumped)) {
                taken++;
            }
        }
        return taken;
    }

    private boolean dump(LifeboatConfig cfg, Vault vault, String id) {
        String url = sources == null ? null : sources.get(id);
        String secret = Optional.ofNullable(cfg.database(id).dump())
                .map(LifeboatConfig.DumpSettings::secretArn)
                .orElse(null);
        if (url == null && secret == null) {
            context.err()
                    .println("lifeboat guard: cannot dump " + id + ": give --source " + id + "=URL, or set databases."
                            + id + ".dump.secretArn");
            return false;
        }
        dev.lifeboat.core.model.DatabaseTarget target = url != null
                ? context.database("--source", url, null, null)
                : context.database(null, null, "dump.secretArn", secret);
        var m = new dev.lifeboat.core.dump.TakingDump(
                        vault,
                        context.inspector(),
                        context.tools(),
                        context.clock(),
                        dev.lifeboat.core.dump.TakingDump.Settings.DEFAULTS)
                .dump(new dev.lifeboat.core.dump.TakingDump.Command(id, target, null, null))
                .manifest();
        context.err().println("lifeboat guard: took backup " + m.backupId() + " of " + id);
        return true;
    }

    /** Starts a snapshot run of {@code id} now; with {@code follow}, until its copy is available. True when it is. */
    private boolean copy(LifeboatConfig cfg, String id, boolean follow) throws InterruptedException {
        Instant at = context.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        String resume = "lifeboat snapshot --config " + config + " --database " + id + " --run " + at + " --wait";
        var copying = new dev.lifeboat.core.snapshot.CopyingSnapshot(lastRds);
        var progress = dev.lifeboat.core.snapshot.RunProgress.START;
        Instant deadline = context.clock().instant().plus(Duration.ofMinutes(maxWaitMinutes));
        long pause = Math.max(1, pollSeconds);
        while (true) {
            dev.lifeboat.core.snapshot.CopyingSnapshot.Result r;
            try {
                r = copying.advance(cfg, id, at, progress);
            } catch (dev.lifeboat.core.error.LifeboatException e) {
                context.err().println("lifeboat guard: could not start a snapshot copy of " + id + ": " + e.describe());
                return false;
            }
            progress = r.progress();
            switch (r.status()) {
                case DONE -> {
                    context.err().println("lifeboat guard: snapshot copy of " + id + " available: " + r.message());
                    return true;
                }
                case FAILED -> {
                    context.err().println("lifeboat guard: the snapshot copy of " + id + " failed: " + r.message());
                    return false;
                }
                default -> {
                    // in progress: below
                }
            }
            if (!follow) {
                context.err()
                        .println("lifeboat guard: started a snapshot copy of " + id + " (" + r.message()
                                + "); it goes on in AWS; follow it with: " + resume);
                return false;
            }
            if (context.clock().instant().isAfter(deadline)) {
                context.err()
                        .println("lifeboat guard: the snapshot copy of " + id + " is still in progress after "
                                + maxWaitMinutes + " minutes; it goes on in AWS; follow it with: " + resume);
                return false;
            }
            context.err().println("lifeboat guard: snapshot copy of " + id + ": " + r.message());
            Thread.sleep(Duration.ofSeconds(pause));
            pause = Math.min(pause * 2, 300);
        }
    }

    /**
     * Runs a child process in the current directory, its output to stderr (or into {@code stdout}). A program that
     * is not there is bad input (exit 2), named with the fix, before anything ran.
     */
    private int run(List<String> cmd, Path stdout) throws IOException, InterruptedException {
        return run(cmd, stdout, false);
    }

    /** As {@link #run(List, Path)}; with {@code terminalInput}, the command reads the operator's terminal. */
    private int run(List<String> cmd, Path stdout, boolean terminalInput) throws IOException, InterruptedException {
        try {
            return PlainCommands.run(cmd, context.env(), stdout, terminalInput);
        } catch (PlainCommands.ProgramNotFoundException e) {
            throw new dev.lifeboat.core.error.InvalidInputException(
                    "cannot run " + e.program() + ": " + e.getMessage() + "; nothing ran",
                    "install it, or give its path: lifeboat guard ... -- /path/to/" + e.program() + " ...");
        }
    }

    private void print(Guarding.Decision d) {
        if (d.findings().isEmpty()) {
            context.out()
                    .println("allowed: the plan deletes no database and no backup, and takes away no protection of"
                            + " one");
            return;
        }
        for (Guarding.Finding f : d.findings()) {
            context.out()
                    .printf(
                            "%s %s (%s)%n",
                            f.allowed() ? "ok     " : "REFUSED",
                            f.deletion().address(),
                            f.deletion().identifier());
            if (f.databaseId() != null) {
                context.out()
                        .printf(
                                "        newest good dump: %s; newest snapshot copy: %s%n",
                                age(f.newestDump())
                                        + verified(f.backups().dump() != null
                                                && f.backups().dump().verified()),
                                age(f.newestCopy())
                                        + verified(f.backups().copy() != null
                                                && f.backups().copy().verified()));
            }
            f.notes().forEach(n -> context.out().println("        " + n));
            if (!f.allowed()) {
                context.out().println("        " + f.problem());
                f.fix().forEach(x -> context.out().println("        fix: " + x));
            }
        }
        context.out()
                .println(
                        d.allowed()
                                ? "allowed: every database it deletes has a good backup younger than its limit"
                                        + (d.maxAge() == null
                                                ? ""
                                                : " (" + d.maxAge().toHours() + " h)")
                                : "refused: " + summary(d));
    }

    private static String summary(Guarding.Decision d) {
        return d.findings().stream()
                .filter(f -> !f.allowed())
                .map(f -> f.problem() + (f.fix().isEmpty() ? "" : "; " + f.fix().getFirst()))
                .reduce((a, b) -> a + " | " + b)
                .orElse("");
    }

    private static String verified(boolean yes) {
        return yes ? ", verified by a restore" : "";
    }

    private String age(Instant t) {
        if (t == null) {
            return "none";
        }
        Duration d = Duration.between(t, context.clock().instant());
        return t + " (" + (d.toMinutes() < 120 ? d.toMinutes() + " min" : d.toHours() + " h") + " ago)";
    }

    private static JsonNode json(Guarding.Decision d) {
        ObjectNode root = JSON.createObjectNode()
                .put("allowed", d.allowed())
                .put("maxAgeHours", d.maxAge() == null ? null : d.maxAge().toHours());
        ArrayNode list = root.putArray("deletions");
        for (Guarding.Finding f : d.findings()) {
            ObjectNode n = list.addObject()
                    .put("address", f.deletion().address())
                    .put("type", f.deletion().type())
                    .put("identifier", f.deletion().identifier())
                    .put("database", f.databaseId())
                    .put("allowed", f.allowed())
                    .put(
                            "newestDump",
                            f.newestDump() == null ? null : f.newestDump().toString())
                    .put(
                            "newestCopy",
                            f.newestCopy() == null ? null : f.newestCopy().toString())
                    .put("maxAgeHours", f.maxAge().toHours())
                    .put("problem", f.problem());
            if (f.backups() != null) {
                n.put(
                                "dumpVerified",
                                f.backups().dump() != null && f.backups().dump().verified())
                        .put(
                                "copyVerified",
                                f.backups().copy() != null && f.backups().copy().verified())
                        .put(
                                "lastVerified",
                                f.backups().lastVerified() == null
                                        ? null
                                        : f.backups().lastVerified().toString());
            }
            f.fix().forEach(n.putArray("fix")::add);
            f.notes().forEach(n.putArray("notes")::add);
        }
        return root;
    }

    static Duration duration(String text) {
        return dev.lifeboat.core.model.Durations.parse(text, "--max-age");
    }
}
