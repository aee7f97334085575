package dev.lifeboat.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.ShellReader.Command;
import dev.lifeboat.core.guard.ShellReader.Input;
import dev.lifeboat.core.guard.ShellReader.InputKind;
import dev.lifeboat.core.guard.ShellReader.Script;
import dev.lifeboat.core.guard.ShellReader.Word;
import dev.lifeboat.core.model.DatabaseEngine;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds, in a shell command about to run (what a coding agent's pre-command hook hands over), every command that
 * could destroy a database, its backups or the infrastructure holding them, and everything that cannot be read
 * statically near such a command. It reads the text with {@link ShellReader} (every shell construct), follows every
 * command runner ({@code sudo}, {@code env -S}, {@code timeout}, {@code xargs}, {@code find -exec}, {@code bash
 * -c}, {@code eval}, a Makefile's recipe, ...) and matches each command that would run against the destructive
 * families: Terraform/OpenTofu/Terragrunt, the aws command line, the SQL clients, kubectl, pg_restore and the table
 * of {@link DestructiveRules}.
 *
 * <p>It fails closed: a command whose name is not known before it runs, {@code eval} of text that is not literal,
 * text piped into a shell, an interpreter's code that names a destructive tool, or unparseable text that names one
 * is a {@link Target#UNREADABLE} danger, with the reason and how to run it so that it can be read.
 */
public final class CommandHook {
    /** What a danger destroys, and so how the guard decides on it. */
    public enum Target {
        /** Terraform, OpenTofu, Terragrunt: what it deletes is in a plan; guard the plan (the wrapper). */
        TERRAFORM,
        /** Pulumi's {@code up}/{@code destroy}: what it deletes is in its preview; guard the preview (the wrapper). */
        PULUMI,
        /** An RDS DB instance: {@code identifier}, in {@code region}. */
        RDS_INSTANCE,
        /** An Aurora cluster: {@code identifier}, in {@code region}. */
        RDS_CLUSTER,
        /** Backups of an RDS database (a snapshot, automated backups, their replication); identifier when known. */
        RDS_BACKUPS,
        /** A database through its own client or framework: {@code identifier} is its URL or name when known. */
        DATABASE,
        /** An S3 bucket ({@code identifier}): destructive when it holds Lifeboat's backups. */
        BUCKET,
        /** A stack, a namespace, a release: what databases it holds cannot be seen from the command. */
        INFRASTRUCTURE,
        /** Something that cannot be read before it runs: {@code reason} says what, {@code fix} how to run it. */
        UNREADABLE
    }

    /**
     * One danger: the tool, what it does ({@code terraform destroy}, {@code aws rds delete-db-instance}), the
     * target and its identity where the command says it (identifier, account, Region, profile; the account is the
     * one the credentials the tool would use belong to, null when that is not known here), the reason for an
     * unreadable one, the fix, and the documentation of the family. {@code address}: for a {@link Target#DATABASE},
     * the server and database the command reaches, as the tool would resolve them (its options, its URL, the
     * environment it reads); null when that is not known here (no URL for a framework, a runner that brings its own
     * environment or runs on another machine).
     */
    public record Danger(
            String tool,
            String what,
            Target target,
            String identifier,
            String account,
            String region,
            String profile,
            String reason,
            String fix,
            DatabaseAddress address) {

        /** A danger with no database address (every target but {@link Target#DATABASE}). */
        Danger(
                String tool,
                String what,
                Target target,
                String identifier,
                String region,
                String profile,
                String reason,
                String fix) {
            this(tool, what, target, identifier, null, region, profile, reason, fix, null);
        }

        static Danger unreadable(String what, String reason, String fix) {
            return new Danger(null, what, Target.UNREADABLE, null, null, null, reason, fix);
        }
    }

    /** A word of a command as it would be passed: its text, and whether that text is known before it runs. */
    record Arg(String text, boolean known) {
        static Arg of(String text) {
            return new Arg(text, true);
        }

        static final Arg UNKNOWN_INPUT = new Arg("<input>", false);
    }

    /** Where a command runs: its environment (for the Region, the profile, DATABASE_URL) and directory. */
    public record Context(Map<String, String> env, Path directory) {
        public static final Context NONE = new Context(Map.of(), null);
    }

    /** Jackson's object mapper, made when first needed: the hook's ordinary command never needs it (issue 43). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    /** The streaming parser's factory for the hook's input: a key given twice is refused, as the mapper refuses it. */
    private static final com.fasterxml.jackson.core.JsonFactory HOOK_JSON =
            com.fasterxml.jackson.core.JsonFactory.builder()
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();

    private static final int MAX_DEPTH = 12;
    /** An option's value that is not known until the command runs. */
    static final String UNKNOWN = "\u0000unknown";
    /** A setting this shell has that the command does not: a runner that resets the environment took it away. */
    static final String UNSET = "\u0000unset";
    /**
     * The settings that decide which credentials, so which account, an aws command uses: under a runner that resets
     * the environment ({@code sudo}, {@code doas}, {@code su}, {@code runuser}, {@code env -i}) this shell's values
     * are not the command's, and an assignment whose value is not known until it runs could name any account.
     */
    static final Set<String> AWS_ACCOUNT_SETTINGS = Set.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_ACCOUNT_ID",
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE");
    /** Runners that run a command on another machine: there {@code localhost} is that machine. */
    private static final Set<String> REMOTE =
            Set.of("ssh", "docker", "podman", "docker-compose", "kubectl", "heroku-run", "fly", "flyctl");
    /**
     * Runners that run a command here with an environment of their own: secrets and {@code .env} files injected,
     * {@code sudo}'s reset environment, {@code env -i}.
     */
    private static final Set<String> OWN_ENVIRONMENT = Set.of(
            "railway",
            "doppler",
            "op",
            "infisical",
            "dotenvx",
            "dotenv",
            "heroku",
            "direnv",
            "chamber",
            "aws-vault",
            "vercel",
            "netlify",
            "su",
            "runuser",
            "sudo",
            "doas",
            "env",
            "uv",
            "poetry",
            "pipenv",
            "pdm",
            "hatch",
            "rye",
            "bundle");
    /** The runners a command given as a list of strings may start with ({@code ["sudo", "terraform", ...]}). */
    private static final Set<String> LIST_RUNNERS = Set.of(
            "sudo",
            "doas",
            "env",
            "npx",
            "bunx",
            "uv",
            "poetry",
            "pipenv",
            "docker",
            "podman",
            "kubectl",
            "ssh",
            "aws-vault",
            "make",
            "just",
            "npm",
            "pnpm",
            "yarn",
            "bun",
            "nice",
            "timeout",
            "nohup",
            "xargs");
    /** A justfile recipe's first line: {@code [@]name [params]: [deps]}. */
    private static final Pattern JUST_RECIPE = Pattern.compile("^(@?[A-Za-z_][A-Za-z0-9_-]*)([^:]*):(?!=)(.*)$");

    /** The task files of the task runners whose tasks are not read one by one. */
    private static final Map<String, List<String>> TASK_FILES = Map.of(
            "task", List.of("Taskfile.yml", "Taskfile.yaml", "taskfile.yml"),
            "mise", List.of("mise.toml", ".mise.toml"));
    /** A hook's input past this many bytes is refused: no command an agent runs is this long. */
    public static final int MAX_INPUT = 1 << 20;

    private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish");
    private static final Pattern INTERPRETER =
            Pattern.compile("(python[0-9.]*|perl|node|nodejs|ruby|php|bun|deno|tsx|ts-node|ts-node-esm)");
    /** The interpreters that run JavaScript or TypeScript. */
    private static final Pattern NODE_LIKE = Pattern.compile("(node|nodejs|bun|deno|tsx|ts-node|ts-node-esm)");
    /** A file name bun runs as a program ({@code bun x.ts}, {@code bun run x.ts}) rather than a script of package.json. */
    private static final Pattern SCRIPT_FILE = Pattern.compile("(?s).*\\.(js|mjs|cjs|ts|mts|cts|jsx|tsx)");

    /**
     * A script's name, by its extension: run by its path after a command that could change it ({@code curl -o x.sh
     * URL && ./x.sh}), it is blocked; a program the line builds ({@code gcc -o app main.c && ./app}) is not read, as a
     * binary on disk is not.
     */
    private static final Pattern SCRIPT_NAME =
            Pattern.compile("(?s).*\\.(sh|bash|zsh|py|js|mjs|cjs|ts|mts|cts|rb|pl|php)");

    /**
     * The largest file an interpreter runs that the hook reads ({@code python3 x.py}): the size of the largest command
     * it reads. A larger one is unreadable, so blocked.
     */
    static final int MAX_SCRIPT = MAX_INPUT;

    /** The options of {@code uv run} (and the runners read with it) that take a value in the next word. */
    private static final Set<String> UV_VALUED = Set.of(
            "--env-file",
            "--with",
            "--with-editable",
            "--with-requirements",
            "--python",
            "--project",
            "--directory",
            "--package",
            "--extra",
            "--group",
            "--index",
            "--default-index",
            "--index-url",
            "--extra-index-url",
            "--find-links",
            "--config-file");

    /**
     * Commands that only read the files their words name, or leave what they hold ({@code touch}, {@code chmod}): a
     * script they name is still what the guard reads. Any other command that names a script before it runs ({@code cp
     * x.py}, {@code curl -o x.py}, {@code git checkout -- x.py}, {@code sed -i ... x.py}) could change it.
     */
    private static final Set<String> LEAVES_FILES = Set.of(
            "cat",
            "tac",
            "head",
            "tail",
            "less",
            "more",
            "grep",
            "egrep",
            "fgrep",
            "zgrep",
            "rg",
            "ag",
            "ack",
            "ls",
            "tree",
            "wc",
            "diff",
            "cmp",
            "file",
            "stat",
            "touch",
            "chmod",
            "chown",
            "test",
            "[",
            "[[",
            "echo",
            "printf",
            "which",
            "type",
            "realpath",
            "readlink",
            "basename",
            "dirname",
            "cd",
            "pushd",
            "popd",
            "pwd",
            "mkdir",
            "true",
            "false",
            ":",
            "man",
            "jq",
            "tee",
            "source",
            ".",
            "sha256sum",
            "md5sum",
            "od");
    /** git's subcommands that leave the working tree as it is. */
    private static final Set<String> GIT_LEAVES_FILES =
            Set.of("add", "blame", "commit", "diff", "grep", "log", "ls-files", "push", "show", "status", "tag");

    private static final Pattern NAMES = Pattern.compile(
            "(?<![A-Za-z0-9_-])("
                    + String.join(
                            "|",
                            DestructiveRules.NAMES.stream()
                                    .sorted((a, b) -> b.length() - a.length())
                                    .map(Pattern::quote)
                                    .toList())
                    + ")(?![A-Za-z0-9_])",
            Pattern.CASE_INSENSITIVE);

    /** Code that starts processes: Python, Perl, Ruby, Node, PHP, Deno and Bun's ways of running a command. */
    private static final Pattern RUNS_PROCESSES = Pattern.compile(
            "os\\.system|os\\.exec|os\\.popen|os\\.spawn|subprocess|commands\\.|pty\\.spawn|\\bsystem\\s*\\(|\\bexec\\s*\\("
                    + "|\\bexec[lv]p?e?\\s*\\(|`|qx|%x|popen|spawn|child_process|execSync|execFile|Open3|Kernel\\."
                    + "|shell_exec|passthru|proc_open|Deno\\.Command|Deno\\.run|Bun\\.spawn|\\$`");

    /**
     * The calls of the AWS SDKs that delete a database, its snapshots or its automated backups, or turn its
     * protection off (boto3's snake case, the JavaScript v3 SDK's commands, Java's and Go's method names).
     */
    private static final Pattern DELETING_API = Pattern.compile(
            "(?i)\\b(delete_db_(instance|cluster)(_snapshot|_automated_backup)?|delete_db_instance_automated_backup"
                    + "|Delete_?DB(Instance|Cluster)?(Snapshot|AutomatedBackup)?(Command|Input|Request|WithContext)?"
                    + "|delete_db_snapshot|delete_tenant_database|DeleteTenantDatabase(Command|Input|Request)?"
                    + "|stop_db_instance_automated_backups_replication|StopDBInstanceAutomatedBackupsReplication"
                    + "|delete_stack|DeleteStack(Command)?)\\b");

    /**
     * The ORMs' and frameworks' calls that drop every table or empty the database: SQLAlchemy's and Flask-SQLAlchemy's
     * {@code drop_all()}, Django's {@code call_command("flush")}, knex's {@code schema.dropTable}, Sequelize's {@code
     * drop()} and {@code sync({force: true})}, TypeORM's {@code dropDatabase()} and {@code synchronize(true)}, Rails'
     * {@code drop_table}.
     */
    private static final Pattern ORM_DROP = Pattern.compile("\\bdrop_all\\s*\\("
            + "|\\bcall_command\\s*\\(\\s*['\"](flush|reset_db|sqlflush)['\"]"
            + "|\\.(dropTable|dropTableIfExists|dropSchema|dropSchemaIfExists|dropDatabase|dropAllTables)\\s*\\("
            + "|\\bsequelize\\.drop\\s*\\(|\\.sync\\s*\\(\\s*\\{[^}]*\\bforce\\s*:\\s*true"
            + "|\\.synchronize\\s*\\(\\s*true|\\bdrop_table\\b");

    /** A modification of a database, which {@link #WEAKENING} makes destructive. */
    private static final Pattern MODIFYING_API =
            Pattern.compile("(?i)\\b(modify_db_(instance|cluster)|ModifyDB(Instance|Cluster)(Command)?)\\b");
    /** Deletion protection or automated backups turned off, in any SDK's spelling. */
    private static final Pattern WEAKENING =
            Pattern.compile("(?i)\\b(deletion_?protection\\W{0,4}(false|False|FALSE|aws\\.Bool\\(false\\))"
                    + "|backup_?retention_?period\\W{0,4}(0|aws\\.Int(32|64)?\\(0\\))\\b)");

    private static final Pattern STRING_LITERAL = Pattern.compile("(['\"])((?:\\\\.|(?!\\1).)*)\\1");

    private CommandHook() {}

    /** The first danger of {@code commandLine}, read with no environment and no directory. */
    public static Optional<Danger> classify(String commandLine) {
        return read(commandLine, Context.NONE).stream().findFirst();
    }

    /** Every danger of {@code commandLine}, in the order written; empty when it destroys nothing. */
    public static List<Danger> read(String commandLine, Context context) {
        Reading r = new Reading(context);
        r.text(commandLine == null ? "" : commandLine, 0, "the command");
        return List.copyOf(r.out);
    }

    /**
     * The coding agents whose pre-command hook input the guard reads, each by its documented shape (docs/guard.md, "As
     * a pre-command hook"). GitHub Copilot CLI's hook configured as {@code PreToolUse} (PascalCase) and OpenAI Codex
     * send Claude Code's shape; {@link #PLAIN} is the command as plain text (a shell's own hook, a script).
     */
    public enum Agent {
        /** <code>{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":...},"cwd":...}</code>. */
        CLAUDE_CODE,
        /** <code>{"hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":...}}</code>. */
        GEMINI_CLI,
        /** <code>{"hook_event_name":"beforeShellExecution","command":...,"cwd":...}</code>; it answers on stdout too. */
        CURSOR,
        /** <code>{"agent_action_name":"pre_run_command","tool_info":{"command_line":...,"cwd":...}}</code>. */
        WINDSURF,
        /** The command as plain text. */
        PLAIN
    }

    /**
     * A hook's input: the agent whose shape it has, the command about to run, and the directory it runs in when the
     * agent says so ({@code cwd}: files the command names are read from there), else null (the hook's own directory).
     */
    public record HookInput(Agent agent, String command, Path directory) {}

    /** The command of a hook's input ({@link #hookInput}). */
    public static String hookCommand(byte[] input) {
        return hookInput(input).command();
    }

    /**
     * What a hook must print on stdout, besides its exit code 0, for the agent to run the command: Cursor's
     * <code>{"permission":"allow"}</code>; null for the agents that need nothing.
     */
    public static String allowAnswer(Agent agent) {
        return agent == Agent.CURSOR ? "{\"permission\":\"allow\"}" : null;
    }

    /**
     * What a hook prints on stdout, besides its exit code 2 and the reason on stderr, for the agent to block the
     * command and say why: Cursor's <code>{"permission":"deny","user_message":...,"agent_message":...}</code>; null for
     * the agents that read the exit code and stderr.
     */
    public static String denyAnswer(Agent agent, String reason) {
        if (agent != Agent.CURSOR) {
            return null;
        }
        String r = new String(
                com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(reason));
        return "{\"permission\":\"deny\",\"user_message\":\"" + r + "\",\"agent_message\":\"" + r + "\"}";
    }

    /** A JSON value the hook's reading does not keep: its type, for the message. */
    private record Other(String type) {}

    /** The fields, in any of the shapes, that hold the command: one shape's input holds only its own. */
    private static final List<String> COMMAND_FIELDS = List.of("tool_input", "command", "tool_info", "toolArgs");

    /**
     * The command of a hook's input, read by the shape of the agent that sent it ({@link Agent}): Claude Code's
     * {@code PreToolUse} (also without its {@code hook_event_name}, as earlier releases read it), Gemini CLI's {@code
     * BeforeTool}, Cursor's {@code beforeShellExecution}, Windsurf's {@code pre_run_command}; or, when the input does
     * not start with <code>{</code> or <code>[</code>, the text itself. Anything else is refused (the hook blocks on
     * it): JSON that does not parse or is not an object, another event or tool, a field of one shape in another (a
     * top-level {@code command} without Cursor's event), a {@code cwd} that is not an absolute path to a directory;
     * input that is not UTF-8 text, holds a NUL byte or is larger than {@link #MAX_INPUT}.
     */
    public static HookInput hookInput(byte[] input) {
        String fix = "a hook passes JSON like {\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"...\"}} (Claude"
                + " Code; Gemini CLI, Cursor and Windsurf by their own shapes) or the command as plain text on stdin"
                + " (docs/guard.md)";
        if (input.length > MAX_INPUT) {
            throw new InvalidInputException(
                    "the hook's input is " + input.length + " bytes, more than " + MAX_INPUT + ": refused", fix);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(input))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("the hook's input is not UTF-8 text (binary?)", fix);
        }
        if (text.indexOf('\0') >= 0) {
            throw new InvalidInputException("the hook's input holds a NUL byte: binary, not a command", fix);
        }
        // A byte-order mark, a no-break or zero-width space before the JSON are not the command's first word: the
        // JSON behind them is read as JSON (a plain-text reading of it allowed the command inside).
        String trimmed = stripInvisible(text);
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return new HookInput(Agent.PLAIN, trimmed, null);
        }
        // Read with the streaming parser, not the object mapper: the same answers, a tenth of the classes to load
        // before every command an agent runs (issue 43).
        Map<String, Object> top;
        try (com.fasterxml.jackson.core.JsonParser p = HOOK_JSON.createParser(trimmed)) {
            com.fasterxml.jackson.core.JsonToken first = p.nextToken();
            if (first != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                String type = first == null ? "empty" : nodeType(first);
                if (first != null && first.isStructStart()) {
                    p.skipChildren(); // a malformed array is "not JSON", as the mapper says
                }
                throw new InvalidInputException("the hook's input is JSON but not an object (" + type + ")", fix);
            }
            top = jsonObject(p, 0);
            if (p.nextToken() != null) {
                // A second document or anything after the object: a shell reading this text would run what follows.
                throw new InvalidInputException("the hook's input holds more than one JSON object", fix);
            }
        } catch (IOException e) {
            throw new InvalidInputException(
                    "the hook's input starts like JSON but is not JSON: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    fix);
        }
        return shape(top, fix);
    }

    /** The agent's shape of a hook's JSON object, exactly (see {@link #hookInput}). */
    private static HookInput shape(Map<String, Object> top, String fix) {
        Object event = top.get("hook_event_name");
        Object action = top.get("agent_action_name");
        if (event != null && action != null) {
            throw new InvalidInputException(
                    "the hook's JSON has both hook_event_name and agent_action_name: not one agent's input", fix);
        }
        if (action != null) {
            if (!"pre_run_command".equals(action)) {
                throw new InvalidInputException(
                        "the hook's agent_action_name is " + describe(action) + ", not pre_run_command (Windsurf's"
                                + " hook before a command): configure the hook for pre_run_command only",
                        fix);
            }
            onlyField(top, "tool_info", fix);
            Map<String, Object> info = objectField(top, "tool_info", "tool_info", fix);
            String command = stringField(info, "command_line", "tool_info.command_line", fix);
            String cwd = optionalString(info, "cwd", "tool_info.cwd", fix);
            String outer = optionalString(top, "cwd", "cwd", fix);
            if (cwd != null && outer != null && !cwd.equals(outer)) {
                throw new InvalidInputException("the hook's JSON gives two working directories", fix);
            }
            return new HookInput(Agent.WINDSURF, command, directory(cwd != null ? cwd : outer, fix));
        }
        if (event != null) {
            if (!(event instanceof String name)) {
                throw new InvalidInputException(
                        "the hook's hook_event_name is " + describe(event) + ", not a string", fix);
            }
            return switch (name) {
                case "beforeShellExecution" -> {
                    onlyField(top, "command", fix);
                    String command = stringField(top, "command", "command", fix);
                    yield new HookInput(Agent.CURSOR, command, directory(optionalString(top, "cwd", "cwd", fix), fix));
                }
                case "PreToolUse" -> toolInput(top, Agent.CLAUDE_CODE, "Bash", true, fix);
                case "BeforeTool" -> toolInput(top, Agent.GEMINI_CLI, "run_shell_command", true, fix);
                default ->
                    throw new InvalidInputException(
                            "the hook's hook_event_name is " + describe(name) + ", not a shell command's"
                                    + " (PreToolUse, BeforeTool, beforeShellExecution): configure the hook for the"
                                    + " event before a shell command only",
                            fix);
            };
        }
        // No event name: Claude Code's input as earlier releases of the guard read it (tool_input.command).
        return toolInput(top, Agent.CLAUDE_CODE, "Bash", false, fix);
    }

    /** Claude Code's (and Gemini CLI's) shape: {@code tool_name} is the shell tool, {@code tool_input.command}. */
    private static HookInput toolInput(
            Map<String, Object> top, Agent agent, String shellTool, boolean toolNamed, String fix) {
        onlyField(top, "tool_input", fix);
        Object tool = top.get("tool_name");
        if ((toolNamed || tool != null) && !shellTool.equals(tool)) {
            throw new InvalidInputException(
                    "the hook's tool_name is " + describe(tool) + ", not " + shellTool + ": give the hook the matcher "
                            + shellTool + " so that it sees shell commands only",
                    fix);
        }
        Map<String, Object> in = objectField(top, "tool_input", "tool_input", fix);
        String command = stringField(in, "command", "tool_input.command", fix);
        return new HookInput(agent, command, directory(optionalString(top, "cwd", "cwd", fix), fix));
    }

    /** Refuses a field of another shape beside {@code own}: not one agent's input, so not read. */
    private static void onlyField(Map<String, Object> top, String own, String fix) {
        for (String f : COMMAND_FIELDS) {
            if (!f.equals(own) && top.containsKey(f)) {
                throw new InvalidInputException(
                        "the hook's JSON holds " + f + " beside " + own + ": not one agent's input"
                                + (f.equals("command")
                                        ? " (a top-level command is Cursor's, with its"
                                                + " hook_event_name beforeShellExecution)"
                                        : ""),
                        fix);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectField(Map<String, Object> m, String key, String name, String fix) {
        Object v = m.get(key);
        if (v instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new InvalidInputException("the hook's JSON has no object " + name, fix);
    }

    private static String stringField(Map<String, Object> m, String key, String name, String fix) {
        Object v = m.get(key);
        if (v instanceof String s) {
            return s;
        }
        throw new InvalidInputException(
                "the hook's JSON has no string " + name + (v == null ? "" : " (it is " + describe(v) + ")"), fix);
    }

    private static String optionalString(Map<String, Object> m, String key, String name, String fix) {
        return m.containsKey(key) ? stringField(m, key, name, fix) : null;
    }

    private static String describe(Object v) {
        return v == null
                ? "missing"
                : v instanceof String s ? "'" + s + "'" : v instanceof Other o ? o.type() : "OBJECT";
    }

    /**
     * The directory the agent runs the command in: where the command's relative files (a Makefile, a script an
     * interpreter runs) are, so where the guard reads them. Not an absolute path to a directory: refused, as reading
     * another directory's files could allow what this one's run.
     */
    private static Path directory(String cwd, String fix) {
        if (cwd == null) {
            return null;
        }
        try {
            Path p = Path.of(cwd);
            if (p.isAbsolute() && Files.isDirectory(p)) {
                return p.normalize();
            }
        } catch (java.nio.file.InvalidPathException | SecurityException e) {
            // refused below
        }
        throw new InvalidInputException(
                "the hook's cwd '" + cwd + "' is not an absolute path to a directory: the guard reads the command's"
                        + " files where it runs",
                fix);
    }

    /**
     * The fields of the JSON object the parser is in (its start read): a string as itself, an object one level down
     * as its fields, anything else as its {@link Other} type. A key given twice is refused by the parser.
     */
    private static Map<String, Object> jsonObject(com.fasterxml.jackson.core.JsonParser p, int depth)
            throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String field = p.currentName();
            com.fasterxml.jackson.core.JsonToken value = p.nextToken();
            Object v;
            if (value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                v = p.getText();
            } else if (value == com.fasterxml.jackson.core.JsonToken.START_OBJECT && depth < 1) {
                v = jsonObject(p, depth + 1);
            } else {
                v = new Other(value == null ? "empty" : nodeType(value));
                p.skipChildren();
            }
            fields.put(field, v);
        }
        return fields;
    }

    /** {@code text} without whitespace, byte-order marks and other invisible format characters at either end. */
    private static String stripInvisible(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && invisible(text.charAt(start))) {
            start++;
        }
        while (end > start && invisible(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean invisible(char c) {
        return Character.isWhitespace(c)
                || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT
                || c == '\uFEFF';
    }

    /** The name Jackson's tree gives a value of this first token ({@code JsonNodeType}). */
    private static String nodeType(com.fasterxml.jackson.core.JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "OBJECT";
            case START_ARRAY -> "ARRAY";
            case VALUE_STRING -> "STRING";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
            case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
            case VALUE_NULL -> "NULL";
            default -> t.name();
        };
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The state of one reading: the script's variables and aliases so far, and what was found. */
    private static final class Reading {
        final Context context;
        /** The files this command line writes before it may run them, with their text where known. */
        final Map<String, Optional<String>> written = new HashMap<>();
        /**
         * The names (a path's last part) of files an earlier command of this line names and could change ({@code cp
         * a.py x.py}, {@code curl -o x.py}, {@code git checkout -- x.py}): every command but those of {@link
         * #LEAVES_FILES} and the writes {@link #remember} reads. A script by such a name is not known until it runs.
         */
        final Set<String> mayChange = new HashSet<>();
        /**
         * Whether an earlier command of the line may have changed the aws files ({@code aws configure set}, a
         * redirection into {@code ~/.aws/config}, {@code cp}/{@code sed -i} of it): they are read as they are now, so
         * what they say of an aws command's account and Region afterwards is not known.
         */
        boolean awsFilesChanged;
        /**
         * Whether an earlier command of the line may have put other aws credentials into this shell's environment
         * (granted's {@code assume PROFILE}, a shell function that exports the profile's keys and Region): an aws
         * command afterwards has the account and Region of credentials the guard cannot see.
         */
        boolean awsEnvironmentChanged;
        /** The directories an earlier {@code cd} or {@code pushd} of this line may have gone to. */
        final List<Path> cdDirs = new ArrayList<>();
        /** Whether an earlier {@code cd} or {@code pushd} went to a directory not known until it runs. */
        boolean cdUnknown;

        final Map<String, String> vars = new HashMap<>();
        final Map<String, String> aliases = new HashMap<>();
        final List<Danger> out = new ArrayList<>();
        final Set<String> makeTargets = new HashSet<>();
        /**
         * How many runners that bring their own environment or run the command on another machine the reading is
         * inside ({@code ssh}, {@code railway run}, {@code docker exec}, ...): there this machine's environment and
         * {@code localhost} do not say which database a command reaches.
         */
        int elsewhere;
        /** How many runners around the command reset its environment ({@code sudo}, {@code su}, {@code env -i}). */
        int resets;
        /** How many of those run it on another machine. */
        int remote;
        /**
         * How many of those are an {@code env} that passes this environment on whole (no {@code -i}, no {@code -u}):
         * under those alone, this user's aws files are still the command's.
         */
        int plainEnv;

        Reading(Context context) {
            this.context = context;
        }

        /** Reads shell text and every command in it; {@code where} names it in reasons. */
        void text(String text, int depth, String where) {
            if (depth > MAX_DEPTH) {
                out.add(Danger.unreadable(
                        where,
                        "commands nested more than " + MAX_DEPTH + " levels deep",
                        "run the innermost command directly"));
                return;
            }
            Script script;
            try {
                script = ShellReader.read(text);
            } catch (ShellReader.Unreadable e) {
                if (mentionsDestructive(text)) {
                    out.add(Danger.unreadable(
                            ShellReader.abbreviate(text),
                            "a shell cannot read " + where + " (" + e.getMessage() + ") and it names "
                                    + mentioned(text),
                            "fix the quoting so that the command parses"));
                }
                return;
            }
            script(script, depth);
        }

        void script(Script script, int depth) {
            for (Command c : script.commands()) {
                command(c, depth);
            }
        }

        void command(Command c, int depth) {
            List<Word> all = new ArrayList<>(c.assignments());
            all.addAll(c.words());
            all.addAll(c.other());
            if (c.stdin().text() != null) {
                all.add(c.stdin().text());
            }
            for (Word w : all) {
                for (Script s : w.substitutions()) {
                    script(s, depth + 1);
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (Word a : c.assignments()) {
                String t = a.text();
                int eq = t.indexOf('=');
                Optional<String> v = valueAfterEquals(a, eq);
                String name = t.substring(0, eq).replace("+", "");
                if (v.isPresent()) {
                    env.put(name, v.get());
                } else if (AWS_ACCOUNT_SETTINGS.contains(name)) {
                    env.put(name, UNKNOWN); // AWS_PROFILE=$(...): any profile, so any account
                } else {
                    env.remove(name);
                }
            }
            if (c.words().isEmpty()) {
                env.forEach(vars::put);
                c.assignments().forEach(a -> {
                    String name = a.text().substring(0, a.text().indexOf('=')).replace("+", "");
                    if (!env.containsKey(name)) {
                        vars.remove(name);
                    }
                });
                return;
            }
            List<Arg> argv = new ArrayList<>();
            for (Word w : c.words()) {
                Optional<String> v = w.value(vars);
                argv.add(v.map(t -> new Arg(t, !w.glob() || w.quoted())).orElseGet(() -> new Arg(w.text(), false)));
            }
            Word first = c.words().getFirst();
            remember(argv, c);
            if (!argv.getFirst().known()) {
                out.add(Danger.unreadable(
                        ShellReader.abbreviate(
                                String.join(" ", argv.stream().map(Arg::text).toList())),
                        first.glob() && first.known()
                                ? "the command's name is a glob (" + first.text() + "): what runs depends on the files"
                                : "the command's name is not known until it runs (" + first.text() + ")",
                        "write the command's name out (terraform, not $T or $(which terraform))"));
                return;
            }
            simple(argv, env, c.stdin(), depth, !first.quoted());
            // what it names could be changed by it, but for what it writes by redirection: that text is known or not
            List<String> names = new ArrayList<>(namesFiles(argv));
            for (Word w : c.writes()) {
                w.value(vars).ifPresent(target -> names.removeIf(n -> n.equals(basename(target))));
            }
            for (Word w : c.appends()) {
                w.value(vars).ifPresent(target -> names.removeIf(n -> n.equals(basename(target))));
            }
            mayChange.addAll(names);
        }

        /** The names of the files {@code argv} names and could change: none for a command of {@link #LEAVES_FILES}. */
        private static List<String> namesFiles(List<Arg> argv) {
            String name = basename(argv.getFirst().text());
            if (LEAVES_FILES.contains(name)
                    || (name.equals("git")
                            && argv.size() > 1
                            && GIT_LEAVES_FILES.contains(argv.get(1).text()))) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (Arg a : argv.subList(1, argv.size())) {
                if (a.known()) {
                    String t = a.text();
                    out.add(basename(t.substring(t.lastIndexOf('=') + 1))); // --output=x.py, https://host/x.py
                }
            }
            return out;
        }

        /** Whether {@code path} is one of the aws command line's files (~/.aws/config, credentials, AWS_CONFIG_FILE). */
        private boolean awsFile(String path) {
            Map<String, String> env = new HashMap<>(context.env());
            env.putAll(vars);
            return path.contains(".aws/")
                    || path.equals(env.get("AWS_CONFIG_FILE"))
                    || path.equals(env.get("AWS_SHARED_CREDENTIALS_FILE"));
        }

        private static List<Word> concat(List<Word> a, List<Word> b) {
            List<Word> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        }

        /**
         * The files this command writes (its redirections' targets), with their text where the guard knows it: a here-
         * document or here-string through {@code cat}, or {@code echo}/{@code printf} of literal words. A script the
         * same command line writes and then runs is read from here (helper-14: {@code cat > x.sh <<EOF ... EOF; bash
         * x.sh} ran what the guard never saw).
         */
        private void remember(List<Arg> argv, Command c) {
            String name = argv.getFirst().known() ? basename(argv.getFirst().text()) : "";
            Optional<String> text = Optional.empty();
            if (name.equals("cat") && argv.size() == 1 && c.stdin().kind() == ShellReader.InputKind.TEXT) {
                text = Optional.of(c.stdin().text().text());
            } else if (name.equals("echo") || name.equals("printf")) {
                text = piped(new Command(List.of(), c.words(), ShellReader.Input.INHERITED, List.of()));
            }
            if (name.equals("cd") || name.equals("pushd")) {
                cd(argv);
            }
            if (name.equals("aws")
                    && argv.stream().anyMatch(a -> a.text().equals("configure"))
                    && argv.stream().noneMatch(a -> a.text().matches("get|list|list-profiles|export-credentials"))) {
                awsFilesChanged = true;
            }
            if (Set.of("assume", "assumego", "granted").contains(name)
                    || (Set.of("source", ".").contains(name)
                            && argv.size() > 1
                            && basename(argv.get(1).text()).matches("assume(go)?(\\.fish|\\.ps1)?"))) {
                awsEnvironmentChanged = true;
            }
            if (Set.of("saml2aws", "gimme-aws-creds", "aws-google-auth", "aws-sso-util", "aws-azure-login")
                    .contains(name)) {
                awsFilesChanged = true; // they write profiles' credentials into the aws files
            }
            for (Word w : concat(c.writes(), c.appends())) {
                w.value(vars).ifPresent(target -> awsFilesChanged |= awsFile(target));
            }
            if (!LEAVES_FILES.contains(name)) {
                for (Arg a : argv.subList(1, argv.size())) {
                    awsFilesChanged |= a.known() && awsFile(a.text());
                }
            }
            Optional<String> content = text;
            for (Word w : c.writes()) {
                w.value(vars).ifPresent(target -> write(target, content));
            }
            for (Word w : c.appends()) {
                w.value(vars).ifPresent(target -> append(target, content));
            }
            if (name.equals("tee")) {
                // tee FILE... writes its input into each file: a here-document or here-string, echo or printf
                Optional<String> fed = switch (c.stdin().kind()) {
                    case TEXT -> Optional.of(c.stdin().text().text());
                    case PIPE -> piped(c.stdin().from());
                    default -> Optional.empty();
                };
                boolean appending = argv.stream()
                        .anyMatch(a -> a.text().equals("--append") || a.text().matches("-[aip]*a[aip]*"));
                for (Arg a : argv.subList(1, argv.size())) {
                    if (a.known() && !a.text().startsWith("-")) {
                        if (appending) {
                            append(a.text(), fed);
                        } else {
                            write(a.text(), fed);
                        }
                    }
                }
            }
        }

        private void write(String target, Optional<String> content) {
            written.put(target, content);
            mayChange.remove(basename(target));
        }

        private void append(String target, Optional<String> content) {
            // added to: what it holds then is not known for sure (unless it was not there, nor written before)
            boolean existed = written.containsKey(target)
                    || (context.directory() != null
                            && Files.exists(context.directory().resolve(target)));
            written.put(target, existed ? Optional.empty() : content);
        }

        /**
         * {@code cd DIR} or {@code pushd DIR}: the directories the rest of the line may run in, DIR resolved from
         * each directory it may already be in (a subshell's {@code cd} is not undone: more places are read, none
         * missed). {@code cd -} and {@code popd} go back to one of those; a directory not known until it runs is
         * remembered as such.
         */
        private void cd(List<Arg> argv) {
            List<Arg> args = argv.subList(1, argv.size()).stream()
                    .filter(a -> !a.text().matches("-[LPe@]+"))
                    .toList();
            String home = context.env().get("HOME");
            String target = args.isEmpty()
                    ? home
                    : args.getFirst().known() ? args.getFirst().text() : null;
            if (target != null && target.startsWith("~")) {
                target = home == null ? null : home + target.substring(1);
            }
            if (target != null && target.equals("-")) {
                return;
            }
            if (target == null || context.directory() == null || cdDirs.size() > 32) {
                cdUnknown = true;
                return;
            }
            List<Path> from = new ArrayList<>(cdDirs);
            from.add(context.directory());
            for (Path d : from) {
                Path to = d.resolve(target).normalize();
                if (!cdDirs.contains(to)) {
                    cdDirs.add(to);
                }
            }
        }

        /** What this line writes into {@code path} (as written, or with or without {@code ./}); empty when nothing. */
        private Optional<Optional<String>> writtenText(String path) {
            String other = path.startsWith("./") ? path.substring(2) : "./" + path;
            for (String k : List.of(path, other)) {
                if (written.containsKey(k)) {
                    return Optional.of(written.get(k));
                }
            }
            return Optional.empty();
        }

        /**
         * Reads the script {@code path} that {@code reader} runs: written earlier by this command line (its text, or
         * a danger when the guard cannot know it), or a file here; {@code /dev/stdin} and the like are the command's
         * input.
         */
        private void runScript(String reader, String path, Input stdin, int depth) {
            if (Set.of("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0").contains(path)) {
                input(stdin, reader, t -> text(t, depth + 1, "the text fed to " + reader));
                return;
            }
            if (mayChange.contains(basename(path))) {
                out.add(Danger.unreadable(
                        reader + " " + path,
                        reader + " runs " + path + ", which an earlier command of this line names and could change:"
                                + " what it holds is not known until it runs",
                        "make the file in one command and run it in the next, so that the guard reads it"));
                return;
            }
            Optional<Optional<String>> w = writtenText(path);
            if (w.isPresent()) {
                Optional<String> t = w.get();
                if (t.isPresent()) {
                    text(t.get(), depth + 1, "the script " + path + " written by this command");
                } else {
                    out.add(Danger.unreadable(
                            reader + " " + path,
                            reader + " runs " + path + ", which this same command writes with text the guard cannot"
                                    + " read",
                            "write the script in one command and run it in the next, so that the guard reads it"));
                }
                return;
            }
            file(path).ifPresent(t -> text(t, depth + 1, "the script " + path));
        }

        private Optional<String> valueAfterEquals(Word a, int eq) {
            List<ShellReader.Part> parts = new ArrayList<>(a.parts());
            ShellReader.Lit head = (ShellReader.Lit) parts.getFirst();
            parts.set(0, new ShellReader.Lit(head.source().substring(eq + 1)));
            return new Word(parts, false, false).value(vars);
        }

        /** A simple command, its name known. {@code aliasable}: an unquoted name, which an alias may replace. */
        void simple(List<Arg> argv, Map<String, String> env, Input stdin, int depth, boolean aliasable) {
            if (argv.isEmpty()) {
                return;
            }
            if (argv.getFirst().known()
                    && ShellReader.isAssignment(
                            ShellReader.Word.literal(argv.getFirst().text()))) {
                // nice NAME=VALUE cmd, or "$c" cmd with c=NAME=VALUE: a runner (or the shell) would look for a
                // program named NAME=VALUE and fail; the guard reads the command after the assignments, as env
                // would run it, rather than pass it as an unknown program
                Map<String, String> e = new HashMap<>(env);
                int i = 0;
                while (i < argv.size()
                        && argv.get(i).known()
                        && ShellReader.isAssignment(
                                ShellReader.Word.literal(argv.get(i).text()))) {
                    putAssignment(e, argv.get(i).text());
                    i++;
                }
                simple(after(argv, i), e, stdin, depth, false);
                return;
            }
            String name = basename(argv.getFirst().text());
            List<Arg> args = argv.subList(1, argv.size());
            if (aliasable && aliases.containsKey(argv.getFirst().text())) {
                String value = aliases.remove(argv.getFirst().text()); // an alias is not expanded inside itself
                try {
                    text(
                            value + " " + quoted(args),
                            depth + 1,
                            "the alias " + argv.getFirst().text());
                } finally {
                    aliases.put(argv.getFirst().text(), value);
                }
                return;
            }
            String path = argv.getFirst().text();
            if (path.contains("/")
                    && !path.startsWith("/usr/")
                    && !path.startsWith("/bin/")
                    && !path.startsWith("/sbin/")
                    && (writtenText(path).isPresent()
                            || (mayChange.contains(basename(path))
                                    && SCRIPT_NAME.matcher(path).matches())
                            || (context.directory() != null
                                    && Files.isRegularFile(context.directory().resolve(path))))) {
                // a script run by its path (./reset.sh): its text is read as bash x.sh's is; one whose first line
                // names an interpreter (#!/usr/bin/env python3) as that interpreter's file is
                Optional<String> interpreter = shebang(path);
                if (interpreter.isPresent()) {
                    interpreterScript(interpreter.get(), path, false, depth);
                } else {
                    runScript(path, path, stdin, depth);
                }
            }
            Map<String, String> allEnv = new HashMap<>(context.env());
            allEnv.putAll(vars);
            if (resets > 0) {
                AWS_ACCOUNT_SETTINGS.forEach(k -> allEnv.put(k, UNSET)); // not passed on by sudo, su, env -i
            }
            allEnv.putAll(env);
            switch (name) {
                case "alias" -> {
                    for (Arg a : args) {
                        int eq = a.text().indexOf('=');
                        if (eq > 0) {
                            aliases.put(a.text().substring(0, eq), a.text().substring(eq + 1));
                        }
                    }
                    return;
                }
                case "export", "declare", "typeset", "local", "readonly" -> {
                    for (Arg a : args) {
                        int eq = a.text().indexOf('=');
                        if (eq > 0 && a.known()) {
                            vars.put(a.text().substring(0, eq), a.text().substring(eq + 1));
                        } else if (eq > 0
                                && AWS_ACCOUNT_SETTINGS.contains(a.text().substring(0, eq))) {
                            vars.put(a.text().substring(0, eq), UNKNOWN);
                        }
                    }
                    return;
                }
                case "eval" -> {
                    if (args.stream().allMatch(Arg::known)) {
                        text(String.join(" ", args.stream().map(Arg::text).toList()), depth + 1, "eval's text");
                    } else {
                        out.add(Danger.unreadable(
                                "eval " + quoted(args),
                                "eval runs text that is not known until it runs",
                                "run the command itself instead of eval"));
                    }
                    return;
                }
                default -> {
                    // below
                }
            }
            if (SHELLS.contains(name)) {
                shell(name, args, stdin, depth);
                return;
            }
            if (runner(name, args, env, stdin, depth)) {
                return;
            }
            if (INTERPRETER.matcher(name).matches()) {
                interpreter(name, args, env, stdin, depth);
                return;
            }
            family(name, args, allEnv, stdin, depth);
        }

        // ----- shells, runners, interpreters

        private void shell(String name, List<Arg> args, Input stdin, int depth) {
            int i = 0;
            boolean c = false;
            boolean readStdin = false;
            while (i < args.size()) {
                String a = args.get(i).text();
                if (a.equals("--") || a.equals("-")) {
                    i++;
                    break;
                }
                if (Set.of("--rcfile", "--init-file", "-o", "+o", "-O", "+O", "--command")
                        .contains(a)) {
                    if (a.equals("--command")) {
                        c = true;
                        i++;
                        break;
                    }
                    i += 2;
                    continue;
                }
                if (a.startsWith("--")) {
                    i++;
                    continue;
                }
                if ((a.startsWith("-") || a.startsWith("+")) && a.length() > 1) {
                    c |= a.startsWith("-") && a.indexOf('c') > 0;
                    readStdin |= a.indexOf('s') > 0;
                    i++;
                    continue;
                }
                break;
            }
            if (c) {
                if (i >= args.size()) {
                    return;
                }
                Arg code = args.get(i);
                if (!code.known()) {
                    out.add(Danger.unreadable(
                            name + " -c " + code.text(),
                            name + " -c runs text that is not known until it runs",
                            "run the command itself, not through " + name + " -c and a variable"));
                    return;
                }
                text(code.text(), depth + 1, name + " -c's text");
                return;
            }
            if (i < args.size() && !readStdin) {
                Arg script = args.get(i);
                if (!script.known()) {
                    out.add(Danger.unreadable(
                            name + " " + script.text(),
                            name + " runs a script whose name is not known until it runs",
                            "name the script"));
                    return;
                }
                runScript(name, script.text(), stdin, depth);
                return;
            }
            input(stdin, name, t -> text(t, depth + 1, "the text fed to " + name));
        }

        /**
         * The text on a command's standard input, handed to {@code use}; unknown text (a pipe from a command other
         * than echo, printf or cat of a file here) is a danger.
         */
        private void input(Input stdin, String reader, java.util.function.Consumer<String> use) {
            switch (stdin.kind()) {
                case INHERITED -> {
                    // a terminal, or an agent's empty stdin: nothing to read
                }
                case TEXT -> use.accept(stdin.text().text());
                case FILE -> {
                    Optional<String> t =
                            stdin.text().known() ? file(stdin.text().text()) : Optional.empty();
                    if (t.isPresent()) {
                        use.accept(t.get());
                    } else {
                        out.add(Danger.unreadable(
                                reader + " < " + stdin.text().text(),
                                reader + " reads " + stdin.text().text() + ", which the guard cannot read here",
                                "run the commands themselves, or give the file's path as it is from here"));
                    }
                }
                case PIPE -> {
                    Optional<String> t = piped(stdin.from());
                    if (t.isPresent()) {
                        use.accept(t.get());
                    } else {
                        String from = stdin.from() == null
                                ? "a compound command"
                                : String.join(
                                        " ",
                                        stdin.from().words().stream()
                                                .map(Word::text)
                                                .toList());
                        out.add(Danger.unreadable(
                                ShellReader.abbreviate(from) + " | " + reader,
                                "text piped into " + reader + " is not known until it runs",
                                "run the commands themselves instead of piping them into " + reader));
                    }
                }
            }
        }

        /** What {@code echo}/{@code printf} with literal words, or {@code cat FILE} of a file here, writes. */
        private Optional<String> piped(Command from) {
            if (from == null || from.words().isEmpty()) {
                return Optional.empty();
            }
            List<String> words = new ArrayList<>();
            for (Word w : from.words()) {
                Optional<String> v = w.value(vars);
                if (v.isEmpty()) {
                    return Optional.empty();
                }
                words.add(v.get());
            }
            String cmd = basename(words.getFirst());
            List<String> rest = new ArrayList<>(words.subList(1, words.size()));
            switch (cmd) {
                case "echo" -> {
                    while (!rest.isEmpty() && rest.getFirst().matches("-[neE]+")) {
                        rest.removeFirst();
                    }
                    return Optional.of(String.join(" ", rest).replace("\\n", "\n"));
                }
                case "printf" -> {
                    return Optional.of(String.join(" ", rest).replace("\\n", "\n"));
                }
                case "cat" -> {
                    if (rest.size() == 1 && !rest.getFirst().startsWith("-")) {
                        return file(rest.getFirst());
                    }
                    return Optional.empty();
                }
                default -> {
                    return Optional.empty();
                }
            }
        }

        /** Follows a command runner to the command it runs; false when {@code name} is none. */
        private boolean runner(String name, List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            boolean far = REMOTE.contains(name);
            boolean away = far || OWN_ENVIRONMENT.contains(name);
            boolean passesOn = name.equals("env")
                    && args.stream()
                            .noneMatch(a -> a.text().matches("-[^-]*i.*|-|--ignore-environment|-[^-]*u.*|--unset.*"));
            elsewhere += away ? 1 : 0;
            remote += far ? 1 : 0;
            plainEnv += passesOn ? 1 : 0;
            Map<String, String> given = env;
            boolean resetting = Set.of("sudo", "doas", "su", "runuser").contains(name)
                    || (name.equals("env")
                            && args.stream().anyMatch(a -> a.text().matches("-[^-]*i.*|-|--ignore-environment")));
            if (resetting) {
                // this shell's credentials settings are not the command's: its own, from its command line only
                given = new HashMap<>(env);
                for (String k : AWS_ACCOUNT_SETTINGS) {
                    given.put(k, UNSET);
                }
            }
            resets += resetting ? 1 : 0;
            try {
                return runnerOf(name, args, given, stdin, depth);
            } finally {
                resets -= resetting ? 1 : 0;
                elsewhere -= away ? 1 : 0;
                remote -= far ? 1 : 0;
                plainEnv -= passesOn ? 1 : 0;
            }
        }

        /**
         * The environment {@code aws-vault exec PROFILE -- CMD} gives its command (https://github.com/99designs/
         * aws-vault/blob/master/USAGE.md): the profile's credentials as the environment's keys, and its Region; so
         * the account is the profile's, read from this user's aws config (which aws-vault reads too), else unknown.
         */
        private Map<String, String> awsVault(List<Arg> args, int dd, Map<String, String> env) {
            Map<String, String> all = new HashMap<>(context.env());
            all.putAll(vars);
            all.putAll(env);
            Map<String, String> e = new HashMap<>(env);
            e.put("AWS_ACCESS_KEY_ID", "(from aws-vault)");
            e.put("AWS_ACCOUNT_ID", ""); // the profile's, below, or none: never the one around it
            List<Arg> head = dd >= 0 ? args.subList(0, dd) : args.subList(0, Math.min(2, args.size()));
            if (head.isEmpty() || !head.getFirst().text().equals("exec")) {
                return e;
            }
            String profile = null;
            String region = null;
            for (int i = 1; i < head.size(); i++) {
                String t = head.get(i).text();
                if (!head.get(i).known()) {
                    return e; // a profile not known until it runs: no account, no Region
                } else if (t.startsWith("--region=")) {
                    region = t.substring("--region=".length());
                } else if (t.matches("--region|--duration|-d|--mfa-token|-t|--prompt|--ec2-server-addr")
                        && i + 1 < head.size()) {
                    region = t.equals("--region") ? head.get(i + 1).text() : region;
                    i++;
                } else if (!t.startsWith("-") && profile == null) {
                    profile = t;
                }
            }
            if (profile == null || elsewhere - plainEnv > 1) {
                return e;
            }
            Optional.ofNullable(AwsProfiles.account(all, profile, true)).ifPresent(a -> e.put("AWS_ACCOUNT_ID", a));
            String r = region != null ? region : AwsProfiles.region(all, profile);
            if (r != null) {
                e.put("AWS_REGION", r);
            }
            return e;
        }

        private boolean runnerOf(String name, List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            switch (name) {
                case "sudo" -> {
                    int i = options(
                            args,
                            "ugpChrtDTRU",
                            Set.of(
                                    "--user",
                                    "--group",
                                    "--prompt",
                                    "--close-from",
                                    "--host",
                                    "--role",
                                    "--type",
                                    "--chdir",
                                    "--command-timeout",
                                    "--chroot",
                                    "--other-user"));
                    boolean shell = args.subList(0, i).stream()
                            .anyMatch(a -> a.text().matches("-[A-Za-z]*[si][A-Za-z]*|--shell|--login"));
                    if (args.subList(0, i).stream()
                            .anyMatch(
                                    a -> a.text().matches("-[A-Za-z]*[elv][A-Za-z]*|" + "--edit|--list|--validate"))) {
                        return true; // sudo -e edits, -l lists, -v validates: no command runs
                    }
                    Map<String, String> e = new HashMap<>(env);
                    while (i < args.size()
                            && ShellReader.isAssignment(
                                    ShellReader.Word.literal(args.get(i).text()))) {
                        putAssignment(e, args.get(i).text());
                        i++;
                    }
                    List<Arg> rest = args.subList(i, args.size());
                    if (shell && !rest.isEmpty()) {
                        text(String.join(" ", rest.stream().map(Arg::text).toList()), depth + 1, "sudo -s's text");
                    } else {
                        inner(rest, e, stdin, depth);
                    }
                }
                case "doas" -> inner(args.subList(options(args, "uC", Set.of()), args.size()), env, stdin, depth);
                case "env" -> env(args, env, stdin, depth);
                case "nice" -> inner(after(args, options(args, "n", Set.of("--adjustment"))), env, stdin, depth);
                case "ionice" ->
                    inner(after(args, options(args, "cnpPtu", Set.of("--class", "--classdata"))), env, stdin, depth);
                case "stdbuf" ->
                    inner(
                            after(args, options(args, "ioe", Set.of("--input", "--output", "--error"))),
                            env,
                            stdin,
                            depth);
                case "timeout" ->
                    inner(after(args, options(args, "sk", Set.of("--signal", "--kill-after")) + 1), env, stdin, depth);
                case "nohup", "builtin", "setsid", "unbuffer", "catchsegv", "with-contenv", "coproc" ->
                    inner(after(args, options(args, "", Set.of())), env, stdin, depth);
                case "time" ->
                    inner(after(args, options(args, "fo", Set.of("--format", "--output"))), env, stdin, depth);
                case "command" -> {
                    int i = options(args, "", Set.of());
                    if (args.subList(0, i).stream().anyMatch(a -> a.text().matches("-[pvV]*[vV][pvV]*"))) {
                        return true; // command -v NAME only looks the name up
                    }
                    inner(after(args, i), env, stdin, depth);
                }
                case "exec" -> inner(after(args, options(args, "a", Set.of())), env, stdin, depth);
                case "chroot" ->
                    inner(after(args, options(args, "", Set.of("--userspec", "--groups")) + 1), env, stdin, depth);
                case "taskset", "chrt" -> inner(after(args, options(args, "", Set.of()) + 1), env, stdin, depth);
                case "flock" -> {
                    // flock [options] FILE COMMAND [ARGS] | flock [options] FILE -c COMMAND_STRING
                    int file = options(args, "wE", Set.of("--timeout", "--conflict-exit-code"));
                    List<Arg> rest = after(args, file + 1);
                    if (rest.size() > 1
                            && Set.of("-c", "--command")
                                    .contains(rest.getFirst().text())) {
                        code(rest.get(1), "flock -c", depth);
                    } else {
                        inner(rest, env, stdin, depth);
                    }
                }
                case "su", "runuser" -> {
                    boolean c = false;
                    boolean user = args.stream()
                            .anyMatch(a -> a.text().equals("-u") || a.text().startsWith("--user"));
                    Set<String> valued =
                            Set.of("--user", "--group", "--supp-group", "--shell", "--whitelist-environment");
                    // runuser -u USER COMMAND: its options end where the command starts; su USER -c: anywhere
                    int optionsEnd = name.equals("runuser") && user ? options(args, "ugGswc", valued) : args.size();
                    for (int i = 0; i < optionsEnd; i++) {
                        String a = args.get(i).text();
                        if ((a.equals("-c") || a.equals("--command") || a.matches("-[a-z]*c")) && i + 1 < args.size()) {
                            code(args.get(i + 1), name + " -c", depth);
                            c = true;
                        } else if (a.startsWith("--command=")) {
                            code(Arg.of(a.substring(10)), name + " -c", depth);
                            c = true;
                        }
                    }
                    if (!c && name.equals("runuser") && user) {
                        // runuser -u USER [--] COMMAND [ARGS]: the command itself, no shell
                        inner(after(args, optionsEnd), env, stdin, depth);
                    } else if (!c) {
                        unknownRunner(name, args, stdin, depth); // su USER ARGS: the words go to the user's shell
                    }
                }
                case "just" -> just(args, depth);
                case "task", "mise" -> {
                    // a Taskfile's or mise's tasks: read as a whole, not task by task
                    Optional<String> tasks = TASK_FILES.get(name).stream()
                            .map(this::file)
                            .flatMap(Optional::stream)
                            .findFirst();
                    if (tasks.isPresent() && mentionsDestructive(tasks.get())) {
                        out.add(Danger.unreadable(
                                name + " " + quoted(args),
                                name + "'s task file names " + mentioned(tasks.get())
                                        + ", and the guard does not read its tasks one by one",
                                "run the task's commands themselves"));
                    } else {
                        unknownRunner(name, args, Input.INHERITED, depth);
                    }
                }
                case "trap" -> {
                    // trap [--] ACTION SIGNAL...: the action is shell text, run when the signal (or EXIT, ERR) comes
                    int i = options(args, "", Set.of());
                    boolean listing = args.subList(0, i).stream()
                            .anyMatch(a -> a.text().equals("-p") || a.text().equals("-l"));
                    if (!listing && i + 1 < args.size()) {
                        code(args.get(i), "trap's action", depth);
                    }
                }
                case "source", "." -> {
                    // the file's commands run in this shell
                    if (!args.isEmpty() && args.getFirst().known()) {
                        runScript(name, args.getFirst().text(), stdin, depth);
                    } else if (!args.isEmpty() && args.getFirst().text().startsWith("<(")) {
                        // source <(curl ...): the text a process substitution writes, as bash <(...) runs it
                        out.add(Danger.unreadable(
                                name + " " + args.getFirst().text(),
                                name + " runs text that is not known until it runs",
                                "run the commands themselves, or write them to a file first and source that"));
                    } else if (!args.isEmpty()) {
                        unknownRunner(name, args, Input.INHERITED, depth);
                    }
                }
                case "script" -> {
                    for (int i = 0; i < args.size(); i++) {
                        String a = args.get(i).text();
                        if (a.startsWith("--command=")) {
                            code(Arg.of(a.substring(10)), "script -c", depth);
                        } else if ((a.equals("--command") || a.matches("-[a-zA-Z]*c")) && i + 1 < args.size()) {
                            code(args.get(i + 1), "script -c", depth);
                        }
                    }
                }
                case "watch" -> {
                    int i = options(args, "nd", Set.of("--interval", "--differences"));
                    List<Arg> rest = after(args, i);
                    boolean exec = args.subList(0, i).stream()
                            .anyMatch(a -> a.text().equals("--exec") || a.text().matches("-[a-zA-Z]*x[a-zA-Z]*"));
                    if (exec) {
                        inner(rest, env, stdin, depth);
                    } else if (!rest.isEmpty()) {
                        code(joined(rest), "watch's command", depth);
                    }
                }
                case "xargs" -> xargs(args, env, depth);
                case "find" -> find(args, env, depth);
                case "parallel" -> parallel(args, env, stdin, depth);
                case "make", "gmake" -> make(args, depth);
                case "ssh" -> {
                    int i = options(args, "bcDEeFIiJLlmOopQRSWwB", Set.of());
                    if (i + 1 < args.size()) {
                        code(joined(args.subList(i + 1, args.size())), "ssh's remote command", depth);
                    } else if (stdin.kind() != InputKind.INHERITED) {
                        // ssh HOST with no command: the remote shell runs what comes on its input
                        input(stdin, "ssh", t -> text(t, depth + 1, "the text fed to ssh"));
                    }
                }
                case "npx", "bunx", "pnpx" -> {
                    int first = options(args, "pc", Set.of("--package", "--call"));
                    int c = indexOf(args.subList(0, first), "-c", "--call");
                    if (c >= 0 && c + 1 < first) {
                        code(args.get(c + 1), name + " -c", depth); // npx -c 'string': run by a shell
                    } else {
                        inner(after(args, first), env, stdin, depth);
                    }
                }
                case "npm", "pnpm", "yarn", "bun" -> packageManager(name, args, env, stdin, depth);
                case "uv",
                        "poetry",
                        "pipenv",
                        "bundle",
                        "railway",
                        "doppler",
                        "op",
                        "infisical",
                        "dotenvx",
                        "pdm",
                        "hatch",
                        "rye",
                        "heroku",
                        "heroku-run" -> {
                    if (args.isEmpty()
                            || !Set.of("run", "exec").contains(args.getFirst().text())) {
                        return false;
                    }
                    List<Arg> rest = args.subList(1, args.size());
                    int dd = indexOf(rest, "--");
                    List<Arg> command = dd >= 0
                            ? after(rest, dd + 1)
                            : after(rest, options(rest, name.equals("uv") ? "epw" : "e", UV_VALUED));
                    if (name.equals("uv")
                            && !command.isEmpty()
                            && command.getFirst().known()
                            && command.getFirst().text().matches("(?s).*\\.pyw?")) {
                        // uv run x.py: uv runs the file with Python
                        List<Arg> python = new ArrayList<>();
                        python.add(Arg.of("python3"));
                        python.addAll(command);
                        command = python;
                    }
                    inner(command, env, stdin, depth);
                }
                case "aws-vault" -> {
                    int dd = indexOf(args, "--");
                    inner(
                            dd >= 0 ? after(args, dd + 1) : after(args, Math.min(2, args.size())),
                            awsVault(args, dd, env),
                            stdin,
                            depth);
                }
                case "direnv", "chamber" -> {
                    int dd = indexOf(args, "--");
                    inner(dd >= 0 ? after(args, dd + 1) : after(args, Math.min(2, args.size())), env, stdin, depth);
                }
                case "dotenv" -> {
                    int dd = indexOf(args, "--");
                    inner(
                            dd >= 0 ? after(args, dd + 1) : after(args, options(args, "ecv", Set.of())),
                            env,
                            stdin,
                            depth);
                }
                case "docker", "podman", "docker-compose" -> {
                    List<Arg> rest = args;
                    if (!rest.isEmpty() && rest.getFirst().text().equals("compose")) {
                        rest = rest.subList(1, rest.size());
                    }
                    if (rest.isEmpty()
                            || !Set.of("exec", "run").contains(rest.getFirst().text())) {
                        return false;
                    }
                    rest = rest.subList(1, rest.size());
                    int i = options(
                            rest,
                            "euwpv",
                            Set.of(
                                    "--env",
                                    "--user",
                                    "--workdir",
                                    "--env-file",
                                    "--name",
                                    "--entrypoint",
                                    "--network",
                                    "--volume",
                                    "--publish"));
                    List<Arg> command = after(rest, i + 1);
                    String entrypoint = i < rest.size() ? entrypoint(rest.subList(0, i), rest.get(i)) : null;
                    if (entrypoint != null
                            && (command.isEmpty()
                                    || !basename(command.getFirst().text()).equals(entrypoint))) {
                        // the image runs its entrypoint with the words after it: amazon/aws-cli rds delete-db-...
                        List<Arg> withEntrypoint = new ArrayList<>();
                        withEntrypoint.add(Arg.of(entrypoint));
                        withEntrypoint.addAll(command);
                        inner(withEntrypoint, env, stdin, depth);
                    }
                    inner(command, env, stdin, depth);
                }
                case "kubectl" -> {
                    if (args.isEmpty()
                            || !Set.of("exec", "run", "debug")
                                    .contains(args.getFirst().text())) {
                        return false;
                    }
                    int dd = indexOf(args, "--");
                    if (dd >= 0) {
                        inner(after(args, dd + 1), env, stdin, depth);
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        /**
         * The program a container runs with its command's words: {@code --entrypoint}, else the tool the image is of,
         * for the images whose entrypoint is that tool ({@code amazon/aws-cli}, {@code hashicorp/terraform}, {@code
         * opentofu/opentofu}, {@code flyway/flyway}, {@code liquibase/liquibase}); null when neither says.
         */
        private static String entrypoint(List<Arg> options, Arg image) {
            for (int k = 0; k < options.size(); k++) {
                String t = options.get(k).text();
                if (t.startsWith("--entrypoint=")) {
                    return basename(t.substring("--entrypoint=".length()));
                }
                if (t.equals("--entrypoint") && k + 1 < options.size()) {
                    return basename(options.get(k + 1).text());
                }
            }
            String name = image.text().toLowerCase(java.util.Locale.ROOT).replaceAll("@.*$", "");
            name = name.substring(name.lastIndexOf('/') + 1).replaceAll(":.*$", "");
            return switch (name) {
                case "aws-cli" -> "aws";
                case "terraform" -> "terraform";
                case "opentofu", "tofu" -> "tofu";
                case "flyway" -> "flyway";
                case "liquibase" -> "liquibase";
                default -> null;
            };
        }

        private void inner(List<Arg> argv, Map<String, String> env, Input stdin, int depth) {
            if (argv.isEmpty()) {
                return;
            }
            if (!argv.getFirst().known()) {
                out.add(Danger.unreadable(
                        joined(argv).text(),
                        "the command's name is not known until it runs ("
                                + argv.getFirst().text() + ")",
                        "write the command's name out"));
                return;
            }
            simple(argv, env, stdin, depth + 1, false);
        }

        /** Text to run as shell code (a runner's string): read when known, a danger when not. */
        private void code(Arg code, String where, int depth) {
            if (!code.known()) {
                out.add(Danger.unreadable(
                        where + " " + code.text(),
                        where + " runs text that is not known until it runs",
                        "run the command itself"));
                return;
            }
            text(code.text(), depth + 1, where);
        }

        /**
         * {@code just RECIPE...}: the justfile's recipes (a recipe is a line {@code name args: deps} at the margin,
         * its body the indented lines after it), with their dependencies, read as shell lines; the first recipe
         * when none is named. A recipe not found in a justfile that names a destructive tool is unreadable.
         */
        private void just(List<Arg> args, int depth) {
            Optional<String> justfile = Stream.of("justfile", "Justfile", ".justfile")
                    .map(this::file)
                    .flatMap(Optional::stream)
                    .findFirst();
            if (justfile.isEmpty()) {
                unknownRunner("just", args, Input.INHERITED, depth);
                return;
            }
            Map<String, List<String>> bodies = new LinkedHashMap<>();
            Map<String, List<String>> deps = new HashMap<>();
            List<String> body = null;
            for (String line : justfile.get().split("\n", -1)) {
                Matcher header = JUST_RECIPE.matcher(line);
                if (header.matches() && !line.contains(":=")) {
                    String recipe = header.group(1).replace("@", "");
                    body = new ArrayList<>();
                    bodies.put(recipe, body);
                    deps.put(recipe, List.of(header.group(3).strip().split("\\s+", -1)));
                } else if (body != null && !line.isBlank() && Character.isWhitespace(line.charAt(0))) {
                    body.add(line.strip().replaceFirst("^[@-]+", ""));
                } else if (!line.isBlank()) {
                    body = null;
                }
            }
            List<String> named = args.stream()
                    .map(Arg::text)
                    .filter(a -> !a.startsWith("-") && !a.contains("="))
                    .toList();
            List<String> recipes = new ArrayList<>(
                    named.isEmpty() ? bodies.keySet().stream().limit(1).toList() : List.of(named.getFirst()));
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < recipes.size() && i < 64; i++) {
                String r = recipes.get(i);
                if (!seen.add(r)) {
                    continue;
                }
                if (!bodies.containsKey(r)) {
                    if (mentionsDestructive(justfile.get())) {
                        out.add(Danger.unreadable(
                                "just " + quoted(args),
                                "the guard cannot find the recipe " + r + " in the justfile, which names "
                                        + mentioned(justfile.get()),
                                "run the recipe's commands themselves"));
                    }
                    return;
                }
                recipes.addAll(deps.get(r).stream().filter(d -> !d.isEmpty()).toList());
                for (String line : bodies.get(r)) {
                    text(line, depth + 1, "just " + r + "'s recipe");
                }
            }
        }

        private void env(List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            Map<String, String> e = new HashMap<>(env);
            int i = 0;
            String split = null;
            while (i < args.size()) {
                String a = args.get(i).text();
                if (a.equals("--")) {
                    i++;
                    break;
                }
                if (a.startsWith("--split-string=")) {
                    split = a.substring(15);
                    i++;
                    break;
                }
                if (a.equals("--split-string")) {
                    split = i + 1 < args.size() ? args.get(i + 1).text() : "";
                    i += 2;
                    break;
                }
                if (a.startsWith("--")) {
                    i += a.contains("=") || !Set.of("--unset", "--chdir").contains(a) ? 1 : 2;
                    continue;
                }
                if (a.startsWith("-") && a.length() > 1) {
                    int s = a.indexOf('S');
                    int u = a.indexOf('u');
                    int c = a.indexOf('C');
                    if (s > 0) {
                        split = a.length() > s + 1
                                ? a.substring(s + 1)
                                : (i + 1 < args.size() ? args.get(++i).text() : "");
                        i++;
                        break;
                    }
                    i += (u > 0 && u == a.length() - 1) || (c > 0 && c == a.length() - 1) ? 2 : 1;
                    continue;
                }
                if (ShellReader.isAssignment(ShellReader.Word.literal(a))) {
                    putAssignment(e, a);
                    i++;
                    continue;
                }
                break;
            }
            List<Arg> rest = after(args, i);
            if (split != null) {
                List<Arg> all = new ArrayList<>();
                all.add(Arg.of(split));
                all.addAll(rest);
                text(joined(all).text(), depth + 1, "env -S's text");
                return;
            }
            Map<String, String> saved = new HashMap<>(vars);
            inner(rest, e, stdin, depth);
            vars.clear();
            vars.putAll(saved);
        }

        private void xargs(List<Arg> args, Map<String, String> env, int depth) {
            int i = 0;
            String replace = null;
            while (i < args.size()) {
                String a = args.get(i).text();
                if (a.equals("--")) {
                    i++;
                    break;
                }
                if (!a.startsWith("-") || a.equals("-")) {
                    break;
                }
                if (a.equals("-I") || a.equals("--replace")) {
                    replace = i + 1 < args.size() ? args.get(i + 1).text() : "{}";
                    i += 2;
                } else if (a.startsWith("-I")) {
                    replace = a.substring(2);
                    i++;
                } else if (a.startsWith("--replace=") || a.equals("-i") || a.startsWith("-i")) {
                    replace =
                            a.contains("=") ? a.substring(a.indexOf('=') + 1) : a.length() > 2 ? a.substring(2) : "{}";
                    i++;
                } else if (Set.of("-a", "-d", "-E", "-L", "-n", "-P", "-s").contains(a)
                        || Set.of(
                                        "--arg-file",
                                        "--delimiter",
                                        "--max-args",
                                        "--max-procs",
                                        "--max-chars",
                                        "--max-lines",
                                        "--process-slot-var",
                                        "--eof")
                                .contains(a)) {
                    i += 2;
                } else {
                    i++;
                }
            }
            List<Arg> rest = new ArrayList<>(after(args, i));
            if (rest.isEmpty()) {
                return; // xargs alone echoes its input
            }
            String r = replace;
            List<Arg> cmd = new ArrayList<>();
            for (Arg a : rest) {
                cmd.add(r != null && a.text().contains(r) ? new Arg(a.text(), false) : a);
            }
            if (r == null) {
                cmd.add(Arg.UNKNOWN_INPUT); // the items xargs reads from its input
            }
            inner(cmd, env, ShellReader.Input.INHERITED, depth);
        }

        private void find(List<Arg> args, Map<String, String> env, int depth) {
            for (int i = 0; i < args.size(); i++) {
                if (Set.of("-exec", "-execdir", "-ok", "-okdir")
                        .contains(args.get(i).text())) {
                    List<Arg> cmd = new ArrayList<>();
                    int j = i + 1;
                    for (; j < args.size(); j++) {
                        String t = args.get(j).text();
                        if (t.equals(";") || t.equals("+")) {
                            break;
                        }
                        cmd.add(t.contains("{}") ? new Arg(t, false) : args.get(j));
                    }
                    inner(cmd, env, ShellReader.Input.INHERITED, depth);
                    i = j;
                }
            }
        }

        private void parallel(List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            int i = options(
                    args,
                    "jSadInN",
                    Set.of(
                            "--jobs",
                            "--sshlogin",
                            "--joblog",
                            "--arg-file",
                            "--colsep",
                            "--delimiter",
                            "--results",
                            "--tmpdir",
                            "--timeout",
                            "--halt",
                            "--retries",
                            "--delay"));
            int sep = i;
            while (sep < args.size() && !args.get(sep).text().startsWith(":::")) {
                sep++;
            }
            List<Arg> cmd = args.subList(i, sep);
            List<Arg> inputs = sep < args.size() ? args.subList(sep + 1, args.size()) : List.of();
            if (cmd.isEmpty()) {
                if (inputs.isEmpty()) {
                    input(stdin, "parallel", t -> text(t, depth + 1, "the commands fed to parallel"));
                }
                for (Arg a : inputs) {
                    code(a, "parallel's command", depth);
                }
                return;
            }
            List<Arg> values =
                    inputs.isEmpty() || !inputs.stream().allMatch(Arg::known) ? List.of(new Arg("{}", false)) : inputs;
            for (Arg v : values) {
                if (cmd.size() == 1) {
                    // one word: a command line for the shell
                    String t = cmd.getFirst().text();
                    String line = t.contains("{}") ? t.replace("{}", v.text()) : t + " " + v.text();
                    code(new Arg(line, cmd.getFirst().known() && v.known()), "parallel's command", depth);
                    continue;
                }
                List<Arg> argv = new ArrayList<>();
                boolean placed = false;
                for (Arg a : cmd) {
                    if (a.text().contains("{}")) {
                        argv.add(new Arg(a.text().replace("{}", v.text()), a.known() && v.known()));
                        placed = true;
                    } else {
                        argv.add(a);
                    }
                }
                if (!placed) {
                    argv.add(v);
                }
                inner(argv, env, stdin, depth);
            }
        }

        private void packageManager(String name, List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            if (args.isEmpty()) {
                return;
            }
            String sub = args.getFirst().text();
            List<Arg> rest = args.subList(1, args.size());
            if (name.equals("bun")) {
                // bun is Node's interpreter too: bun -e CODE, bun x.ts, bun run x.ts (when package.json has no
                // script of that name)
                if (Set.of("-e", "--eval", "-p", "--print").contains(sub)) {
                    interpreter(name, args, env, stdin, depth);
                    return;
                }
                int i = sub.equals("run") ? options(rest, "", Set.of()) : -1;
                Arg file = i < 0 ? args.getFirst() : i < rest.size() ? rest.get(i) : null;
                if (file != null
                        && file.known()
                        && SCRIPT_FILE.matcher(file.text()).matches()
                        && packageScript(file.text()).isEmpty()) {
                    interpreterScript(name, file.text(), false, depth);
                    return;
                }
            }
            if (Set.of("exec", "x", "dlx").contains(sub)) {
                int dd = indexOf(rest, "--");
                inner(
                        dd >= 0 ? after(rest, dd + 1) : after(rest, options(rest, "p", Set.of("--package"))),
                        env,
                        stdin,
                        depth);
                return;
            }
            String script = sub;
            List<Arg> extra = rest;
            if (Set.of("run", "run-script").contains(sub)) {
                int i = options(rest, "", Set.of());
                if (i >= rest.size()) {
                    return;
                }
                script = rest.get(i).text();
                extra = after(rest, i + 1);
            } else if (name.equals("npm")
                    && !Set.of("start", "test", "stop", "restart").contains(sub)) {
                return; // npm install, ci, ...: npm's own commands
            }
            Optional<String> body = packageScript(script);
            if (body.isPresent()) {
                text(body.get() + (extra.isEmpty() ? "" : " " + quoted(extra)), depth + 1, name + " run " + script);
            } else if (!name.equals("npm") && !Set.of("run", "run-script").contains(sub)) {
                inner(args, env, stdin, depth); // yarn prisma ..., pnpm drizzle-kit ...: a package's binary
            }
        }

        private Optional<String> packageScript(String script) {
            Optional<String> json = file("package.json");
            if (json.isEmpty()) {
                return Optional.empty();
            }
            try {
                JsonNode scripts = Json.MAPPER.readTree(json.get()).path("scripts");
                List<String> parts = new ArrayList<>();
                for (String s : List.of("pre" + script, script, "post" + script)) {
                    if (scripts.path(s).isTextual()) {
                        parts.add(scripts.path(s).asText());
                    }
                }
                return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" && ", parts));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /**
         * An interpreter's command line: code given to it ({@code -c}, {@code -e}, {@code -r}, {@code deno eval}),
         * a module ({@code python -m}), a file it runs ({@code python3 x.py}, {@code node x.js}, {@code deno run
         * x.ts}, {@code php -f x.php}), or its standard input. Each interpreter's own options that take a value are
         * skipped, so that the word after them is not taken for the file.
         */
        private void interpreter(String name, List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            boolean python = name.startsWith("python");
            Set<String> codeFlags;
            Set<String> valued;
            Pattern combined; // flags run together that end with the one that takes the code: python -Bc, perl -ne
            if (python) {
                codeFlags = Set.of("-c");
                valued = Set.of("-W", "-X", "-Q");
                combined = Pattern.compile("-[bBdEhiIOqRsSuvx]+c");
            } else if (name.equals("perl")) {
                codeFlags = Set.of("-e", "-E");
                valued = Set.of("-I", "-M", "-m");
                combined = Pattern.compile("-[alnpswWdtTuUc0-9]+[eE]");
            } else if (name.equals("ruby")) {
                codeFlags = Set.of("-e");
                valued = Set.of("-I", "-r", "-C", "-E", "--encoding");
                combined = Pattern.compile("-[alnpswWdv]+e");
            } else if (name.equals("php")) {
                codeFlags = Set.of("-r", "--run");
                valued = Set.of("-c", "-d", "-z", "-t", "-S");
                combined = null;
            } else {
                codeFlags = Set.of("-e", "--eval", "-p", "--print", "eval");
                valued = Set.of(
                        "-r",
                        "--require",
                        "--import",
                        "--loader",
                        "--experimental-loader",
                        "--env-file",
                        "--inspect-port",
                        "--title",
                        "-C",
                        "--conditions",
                        "-P",
                        "--project",
                        "-O",
                        "--compiler-options",
                        "--tsconfig",
                        "-c",
                        "--config",
                        "--import-map",
                        "--lock",
                        "--cert",
                        "--location",
                        "--seed",
                        "-L",
                        "--log-level");
                combined = null;
            }
            int start = name.equals("deno")
                            && !args.isEmpty()
                            && args.getFirst().text().equals("run")
                    ? 1
                    : 0;
            for (int i = start; i < args.size(); i++) {
                String a = args.get(i).text();
                if ((codeFlags.contains(a)
                                || (combined != null && combined.matcher(a).matches()))
                        && i + 1 < args.size()) {
                    Arg code = args.get(i + 1);
                    interpreterCode(name, a, code.text(), depth);
                    return;
                }
                if (valued.contains(a)) {
                    i++;
                    continue;
                }
                if (a.equals("-f") && name.equals("php") && i + 1 < args.size()) {
                    if (args.get(i + 1).known()) {
                        interpreterScript(name, args.get(i + 1).text(), false, depth);
                    }
                    return;
                }
                if (a.equals("-m") && python && i + 1 < args.size()) {
                    String module = args.get(i + 1).text();
                    List<Arg> rest = after(args, i + 2);
                    if (args.get(i + 1).known() && module.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                        // a module here runs from its file: pkg.mod is pkg/mod.py, or a package's __init__ and
                        // __main__; one that is not here is installed (python -m pytest), and not read
                        String file = module.replace('.', '/');
                        for (String f : List.of(file + ".py", file + "/__init__.py", file + "/__main__.py")) {
                            interpreterScript(name, f, true, depth);
                        }
                    }
                    List<Arg> argv = new ArrayList<>();
                    argv.add(Arg.of(
                            module.equals("awscli") ? "aws" : module.equals("django") ? "django-admin" : module));
                    argv.addAll(rest);
                    simple(argv, env, stdin, depth + 1, false);
                    return;
                }
                if (a.equals("--") || !a.startsWith("-")) {
                    int at = a.equals("--") ? i + 1 : i;
                    if (at >= args.size()) {
                        return;
                    }
                    Arg script = args.get(at);
                    if (script.known()) {
                        interpreterScript(name, script.text(), false, depth);
                        // and as the command its name says (python manage.py flush, node node_modules/.bin/prisma),
                        // by its name only: the file itself was read above as this interpreter's code
                        List<Arg> argv = new ArrayList<>();
                        argv.add(Arg.of(basename(script.text())));
                        argv.addAll(after(args, at + 1));
                        inner(argv, env, stdin, depth);
                    } else {
                        inner(after(args, at), env, stdin, depth);
                    }
                    return;
                }
            }
            if (stdin.kind() != InputKind.INHERITED) {
                input(stdin, name, t -> interpreterCode(name, "stdin", t, depth));
            }
        }

        private void interpreterCode(String name, String flag, String code, int depth) {
            interpreterCode(
                    name + " " + flag + " " + ShellReader.abbreviate(code),
                    name + "'s code",
                    "run the command itself in the shell, not through " + name,
                    code,
                    depth);
        }

        /**
         * Code an interpreter runs: unreadable when it names a destructive tool or holds destructive SQL (what it
         * runs is not known until it runs); when it starts processes, each of its string literals is read as a
         * command. {@code whose} names the code in reasons.
         */
        private void interpreterCode(String what, String whose, String fix, String code, int depth) {
            if (mentionsDestructive(code)) {
                out.add(Danger.unreadable(
                        what, whose + " names " + mentioned(code) + ": what it runs is not known until it runs", fix));
                return;
            }
            processStrings(code, whose, depth);
        }

        /**
         * A command given as a list of its words ({@code subprocess.run(["terraform", "destroy"])}, {@code
         * spawn('terraform', ['destroy'])}, {@code system('terraform', 'destroy')}): string literals that follow one
         * another with only commas, brackets and blanks between them are read together as one command, each a word.
         */
        private void argvLists(String code, String whose, int depth) {
            Matcher literal = STRING_LITERAL.matcher(code);
            List<String> run = new ArrayList<>();
            int end = -1;
            while (literal.find()) {
                if (end >= 0 && !code.substring(end, literal.start()).matches("[\\s,\\[\\]]*")) {
                    argvList(run, whose, depth);
                    run.clear();
                }
                run.add(literal.group(2).replaceAll("\\\\(.)", "$1"));
                end = literal.end();
            }
            argvList(run, whose, depth);
        }

        private void argvList(List<String> words, String whose, int depth) {
            // a list of words is a command only when its first names a program the guard reads: ["users", "orders",
            // "drop", "table"] is data, not a program called users
            if (words.size() > 1
                    && (DestructiveRules.NAMES.contains(basename(words.getFirst()))
                            || SHELLS.contains(basename(words.getFirst()))
                            || INTERPRETER.matcher(basename(words.getFirst())).matches()
                            || LIST_RUNNERS.contains(basename(words.getFirst())))) {
                text(
                        String.join(
                                " ",
                                words.stream()
                                        .map(w -> "'" + w.replace("'", "'\\''") + "'")
                                        .toList()),
                        depth + 1,
                        "a list of strings of " + whose);
            }
        }

        /**
         * Code that starts processes: each of its strings is read as a command (a shell would run it), and each list
         * of strings as one command's words ({@link #argvLists}).
         */
        private void processStrings(String code, String whose, int depth) {
            if (!RUNS_PROCESSES.matcher(code).find()) {
                return;
            }
            Matcher literal = STRING_LITERAL.matcher(code);
            while (literal.find()) {
                text(literal.group(2).replaceAll("\\\\(.)", "$1"), depth + 1, "a string of " + whose);
            }
            argvLists(code, whose, depth);
        }

        /**
         * The file {@code path} that the interpreter {@code name} runs, read with the rules of that interpreter's
         * {@code -c}/{@code -e} code ({@link #interpreterCode}): from what this command line writes into it (a
         * here-document, {@code echo}/{@code printf} redirected, {@code tee}), else from the working directory (and
         * the directories an earlier {@code cd} may have gone to), up to {@link #MAX_SCRIPT} bytes. Unreadable, so
         * blocked: a file written with text the guard cannot know ({@code curl ... > x.py}, added to with {@code
         * >>}), named before by a command that could change it ({@code cp}, {@code curl -o}, {@code git checkout}),
         * larger than {@link #MAX_SCRIPT}, not UTF-8 text or not readable here, or looked for after a {@code cd} to
         * a directory not known until it runs. A file that is not here and that nothing of the line makes cannot
         * run (the interpreter stops: no such file), and is no danger; nor is the code of an installed package
         * ({@code node_modules}, {@code site-packages}, a virtualenv), which is read as the command its name says.
         * {@code module}: a file {@code python -m} may run, when it is here.
         */
        private void interpreterScript(String name, String path, boolean module, int depth) {
            String what = name + " " + path;
            String split = "write the file in one command and run it in the next, so that the guard reads it";
            if (mayChange.contains(basename(path))) {
                out.add(Danger.unreadable(
                        what,
                        name + " runs " + path + ", which an earlier command of this line names and could change:"
                                + " what it holds is not known until it runs",
                        split));
                return;
            }
            Optional<Optional<String>> w = writtenText(path);
            if (w.isPresent()) {
                if (w.get().isPresent()) {
                    scriptCode(name, path, " (written by this command)", w.get().get(), depth);
                } else {
                    out.add(Danger.unreadable(
                            what,
                            name + " runs " + path + ", which this same command writes with text the guard cannot"
                                    + " read",
                            split));
                }
                return;
            }
            if (context.directory() == null || installed(path)) {
                return;
            }
            boolean found = false;
            for (Path p : entries(name, path)) {
                if (!Files.exists(p)) {
                    continue;
                }
                found = true;
                try {
                    if (Files.size(p) > MAX_SCRIPT) {
                        out.add(Danger.unreadable(
                                what,
                                name + " runs " + path + ", larger than the " + MAX_SCRIPT / 1024
                                        + " KiB the guard reads of a script",
                                "run the destructive commands it holds directly, or a script the guard can read"));
                        continue;
                    }
                    scriptCode(name, path, "", Files.readString(p), depth);
                } catch (IOException | RuntimeException e) {
                    out.add(Danger.unreadable(
                            what,
                            name + " runs " + path + ", which the guard cannot read here as text ("
                                    + e.getClass().getSimpleName() + ")",
                            "make the file readable UTF-8 text, or run its commands directly"));
                }
            }
            if (!found && cdUnknown && !module && !path.startsWith("/")) {
                out.add(Danger.unreadable(
                        what,
                        name + " runs " + path + " after a cd to a directory not known until it runs",
                        "cd to a directory written out, or give the file's path from here"));
            }
        }

        /**
         * A file an interpreter runs. Unlike a one-line {@code -c} program, a program in a file names its libraries
         * and tools as a matter of course ({@code import boto3}, a comment about {@code aws s3 sync}), so naming one
         * is not enough: it is blocked when it holds destructive SQL or calls an API that deletes a database
         * ({@code delete_db_instance}, {@code DeleteDBClusterCommand}), and, when it starts processes, each of its
         * strings is read as a command, as for {@code -c}.
         */
        private void scriptCode(String name, String path, String note, String code, int depth) {
            String what = name + " " + path;
            String whose = "the file " + path + note + " that " + name + " runs";
            String fix = "run the destructive command or SQL itself in the shell (dropdb ..., psql -c '...'), not from "
                    + path + ", so that the guard can check it";
            Matcher api = DELETING_API.matcher(code);
            if (!api.find()) {
                api = ORM_DROP.matcher(code);
            }
            if (!api.find(0) && MODIFYING_API.matcher(code).find()) {
                api = WEAKENING.matcher(code);
            }
            if (api.find(0)
                    || Sql.destructive(code).isPresent()
                    || DESTRUCTIVE_SQL.matcher(code).find()) {
                Matcher sql = DESTRUCTIVE_SQL.matcher(code);
                String found = api.find(0) ? api.group() : sql.find() ? sql.group() : "destructive SQL";
                out.add(Danger.unreadable(
                        what, whose + " holds " + found + ": what it does is not known until it runs", fix));
                return;
            }
            processStrings(code, whose, depth);
        }

        /**
         * The files {@code path} may be when {@code name} runs it: from the working directory and from every
         * directory an earlier {@code cd} may have gone to; a directory is its {@code __main__.py} for Python, its
         * package.json's {@code main} or {@code index.js} for Node.
         */
        private List<Path> entries(String name, String path) {
            List<Path> dirs = new ArrayList<>();
            if (path.startsWith("/")) {
                dirs.add(Path.of("/"));
            } else {
                dirs.add(context.directory());
                dirs.addAll(cdDirs);
            }
            List<Path> out = new ArrayList<>();
            for (Path d : dirs) {
                Path p = d.resolve(path).normalize();
                if (!Files.isDirectory(p)) {
                    out.add(p);
                } else if (name.startsWith("python")) {
                    out.add(p.resolve("__main__.py"));
                } else if (NODE_LIKE.matcher(name).matches()) {
                    out.add(p.resolve("index.js"));
                    try {
                        Path pkg = p.resolve("package.json");
                        if (Files.isRegularFile(pkg)) {
                            JsonNode main =
                                    Json.MAPPER.readTree(Files.readString(pkg)).path("main");
                            if (main.isTextual()) {
                                out.add(p.resolve(main.asText()).normalize());
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        out.add(p.resolve("package.json")); // read as the script: blocked if not text
                    }
                }
            }
            return out;
        }

        /** Whether {@code path} is an installed package's code: {@code node_modules}, {@code site-packages}, a virtualenv. */
        private static boolean installed(String path) {
            return path.matches("(?:.*/)?(?:node_modules|site-packages|dist-packages|\\.venv|venv|\\.tox)/.*");
        }

        /**
         * The interpreter a script run by its path names on its first line ({@code #!/usr/bin/python3}, {@code
         * #!/usr/bin/env node}, {@code #!/usr/bin/env -S deno run}; {@code uv run --script} is Python); empty for
         * a shell script, or none.
         */
        private Optional<String> shebang(String path) {
            Optional<String> text = writtenText(path).orElseGet(() -> file(path));
            if (text.isEmpty() || !text.get().startsWith("#!")) {
                return Optional.empty();
            }
            List<String> words = List.of(text.get()
                    .lines()
                    .findFirst()
                    .orElse("#!")
                    .substring(2)
                    .strip()
                    .split("\\s+"));
            int i = 0;
            if (basename(words.getFirst()).equals("env")) {
                i++;
                while (i < words.size()
                        && (words.get(i).startsWith("-") || words.get(i).contains("="))) {
                    i++;
                }
            }
            if (i >= words.size()) {
                return Optional.empty();
            }
            String interpreter = basename(words.get(i));
            if (interpreter.equals("uv")) {
                return Optional.of("python3");
            }
            return INTERPRETER.matcher(interpreter).matches() ? Optional.of(interpreter) : Optional.empty();
        }

        // ----- the destructive families

        private void family(String name, List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            int before = out.size();
            if (!dryRun(args)) {
                switch (name) {
                    case "terraform", "tofu" -> terraform(name, args);
                    case "pulumi" -> pulumi(name, args, env);
                    case "terragrunt" -> terragrunt(args);
                    case "aws" ->
                        out.addAll(Aws.read(
                                args,
                                awsEnvironmentChanged ? assumedElsewhere(env) : env,
                                this::file,
                                elsewhere == plainEnv && !awsFilesChanged && !awsEnvironmentChanged));
                    case "psql", "mysql", "mariadb" -> sqlClient(name, args, env, stdin, depth);
                    case "pg_restore" -> pgRestore(args, env);
                    case "kubectl" -> kubectl(args);
                    case "lifeboat" -> {
                        if (lifeboat(args)) {
                            return; // the wrapper guards the command itself
                        }
                    }
                    default -> table(name, args, env);
                }
            }
            if (out.size() == before
                    && !DestructiveRules.READ_IN_CODE.contains(name)
                    && !DestructiveRules.inert(name, args)) {
                unknownRunner(name, args, stdin, depth);
            }
        }

        /**
         * The environment an aws command has after {@code assume}: keys of an account not known here, and a Region
         * not known either, so only the command line's {@code --region} and {@code --profile} count.
         */
        private static Map<String, String> assumedElsewhere(Map<String, String> env) {
            Map<String, String> e = new HashMap<>(env);
            e.keySet().removeAll(Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"));
            e.put("AWS_ACCESS_KEY_ID", "(from assume)");
            e.put("AWS_ACCOUNT_ID", "");
            return e;
        }

        /**
         * Lifeboat itself. {@code lifeboat guard [options] -- CMD} is the wrapper: it plans or reads {@code CMD}, and
         * runs it only when every database it destroys has a fresh good backup, so the hook lets it through to decide
         * (true) unless it is given {@code --max-age}, which changes what counts as fresh: an agent told that the
         * newest backup is too old must not get past by widening the limit. {@code lifeboat prune} deletes backups
         * (retention): only with {@code --dry-run}; the scheduled prune, or an operator, runs it.
         */
        private boolean lifeboat(List<Arg> args) {
            String sub = args.isEmpty() ? "" : args.getFirst().text();
            int dd = indexOf(args, "--");
            if (sub.equals("guard") && dd > 0) {
                List<Arg> options = args.subList(1, dd);
                // @FILE: picocli reads more options from the file, --max-age among them. --source makes the wrapper
                // dump whatever URL it names as the configured database's backup (review h27), and --vault with
                // --config looks for fresh backups where lifeboat.yml does not keep them (a drill's local vault
                // holds a fresh "orders" of another server)
                boolean configured = options.stream().anyMatch(a -> a.text().matches("--config(=.*)?"));
                List<String> widening = options.stream()
                        .filter(a -> !a.known()
                                || a.text().matches("--max-age(=.*)?|--source(=.*)?")
                                || (configured && a.text().matches("--vault(=.*)?"))
                                || a.text().startsWith("@"))
                        .map(a -> a.known() ? a.text().replaceAll("=.*", "") : a.text())
                        .toList();
                if (!widening.isEmpty()) {
                    out.add(Danger.unreadable(
                            "lifeboat guard " + quoted(options) + " -- " + quoted(after(args, dd + 1)),
                            "the wrapper is run with " + String.join(", ", widening) + ", which changes what counts as"
                                    + " a fresh backup of lifeboat.yml's databases (or is not known until it runs)",
                            "run it with lifeboat.yml's own limits and backups: lifeboat guard --config lifeboat.yml"
                                    + " [--take-backup] -- COMMAND; if the backup is too old, take one first"));
                }
                return true;
            }
            if (sub.equals("prune") && args.stream().noneMatch(a -> a.text().equals("--dry-run"))) {
                out.add(new Danger(
                        "lifeboat",
                        "lifeboat prune",
                        Target.INFRASTRUCTURE,
                        null,
                        null,
                        null,
                        null,
                        "it deletes backups by retention: run lifeboat prune --dry-run to see what it would delete,"
                                + " and leave the deletion to the scheduled prune or to an operator"));
                return true;
            }
            return false;
        }

        /**
         * A command the guard does not read, whose arguments could be a command it runs ({@code strace CMD},
         * {@code nsenter ... CMD}, {@code awk 'BEGIN{system("CMD")}'}, {@code sed '1e CMD'}, {@code git -c
         * alias.x='!CMD' x}, {@code vim -c '!CMD'}, ...): when the words name destructive SQL, or a destructive tool
         * with the words that make it destroy (read as that tool's command from where its name stands), it is
         * unreadable. Words that name a tool without destroying ({@code pip install awscli}, {@code git push
         * heroku}) pass.
         */
        private void unknownRunner(String name, List<Arg> args, Input stdin, int depth) {
            // what it is given as literal text on its input counts too: at now <<< 'dropdb x', sqlite3 <<< 'DROP ...'
            String fed = stdin.kind() == InputKind.TEXT
                    ? stdin.text().text()
                    : stdin.kind() == InputKind.PIPE ? piped(stdin.from()).orElse("") : "";
            if ((args.isEmpty() && fed.isEmpty()) || depth > MAX_DEPTH) {
                return;
            }
            String text = String.join(" ", args.stream().map(Arg::text).toList()) + (fed.isEmpty() ? "" : "\n" + fed);
            String found = null;
            Matcher sql = DESTRUCTIVE_SQL.matcher(text);
            if (sql.find()) {
                found = "destructive SQL (" + sql.group().strip() + ")";
            }
            Matcher tool = NAMES.matcher(text);
            while (found == null && tool.find()) {
                List<Arg> argv = leniently(text.substring(tool.start()));
                Reading inside = new Reading(context);
                inside.vars.putAll(vars);
                inside.elsewhere = elsewhere;
                inside.resets = resets;
                inside.awsFilesChanged = awsFilesChanged;
                inside.awsEnvironmentChanged = awsEnvironmentChanged;
                inside.remote = remote;
                inside.plainEnv = plainEnv;
                inside.makeTargets.addAll(makeTargets);
                inside.simple(argv, Map.of(), Input.INHERITED, depth + 1, false);
                if (!inside.out.isEmpty()) {
                    Danger d = inside.out.getFirst();
                    found = d.what() == null ? tool.group(1) : d.what();
                }
            }
            if (found != null) {
                out.add(Danger.unreadable(
                        ShellReader.abbreviate(name + " " + text),
                        name + " runs text the guard cannot read as a command, and that text names " + found,
                        "run the destructive part directly (not through " + name + ") so the guard can check it"));
            }
        }

        /**
         * Whether the command is a dry run: {@code --dryrun} or {@code --dry-run} (or {@code --dry-run=client},
         * {@code =server}, {@code =true}) where an option stands, that is neither after {@code --} nor right after
         * an option word that could take it as its value ({@code --context --dry-run} names a context called
         * {@code --dry-run}; which options take a value differs by tool, so any option without {@code =} could).
         */
        private static boolean dryRun(List<Arg> args) {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i).text();
                if (a.equals("--")) {
                    return false;
                }
                boolean flag = a.equals("--dryrun")
                        || a.equals("--dry-run")
                        || a.equals("--dry-run=client")
                        || a.equals("--dry-run=server")
                        || a.equals("--dry-run=true");
                if (!flag || !args.get(i).known()) {
                    continue;
                }
                String before = i == 0 ? "" : args.get(i - 1).text();
                boolean couldTakeIt = before.startsWith("-") && !before.contains("=") && !before.equals("-");
                if (!couldTakeIt) {
                    return true;
                }
            }
            return false;
        }

        private void terraform(String name, List<Arg> args) {
            int i = 0;
            while (i < args.size() && args.get(i).text().startsWith("-")) {
                i++; // -chdir=DIR, -help, -version: Terraform's global options take their value after =
            }
            if (i >= args.size()) {
                return;
            }
            Arg sub = args.get(i);
            if (!sub.known()) {
                out.add(Danger.unreadable(
                        name + " " + sub.text(),
                        name + "'s subcommand is not known until it runs (" + sub.text() + ")",
                        "write the subcommand out"));
                return;
            }
            List<Arg> rest = after(args, i + 1);
            boolean destroyFlag = rest.stream()
                    .anyMatch(a -> a.text().equals("-destroy") || a.text().equals("--destroy"));
            String what = switch (sub.text()) {
                case "destroy" -> name + " destroy";
                case "apply" -> name + " apply" + (destroyFlag ? " -destroy" : "");
                case "state" -> !rest.isEmpty() && rest.getFirst().text().equals("rm") ? name + " state rm" : null;
                default -> null;
            };
            if (what != null) {
                out.add(new Danger(name, what, Target.TERRAFORM, null, null, null, null, null));
            }
        }

        /**
         * {@code pulumi up}/{@code update} and {@code destroy}/{@code down} (options before or after the subcommand,
         * as cobra reads them; https://www.pulumi.com/docs/iac/cli/commands/pulumi_up/ and .../pulumi_destroy/): an
         * update deletes whatever the program no longer declares, so it is a danger as a destroy is, decided by its
         * preview. {@code destroy --preview-only} deletes nothing. The other subcommands go to the table ({@code stack
         * rm --force}).
         */
        private void pulumi(String name, List<Arg> args, Map<String, String> env) {
            List<String> words = args.stream().map(Arg::text).toList();
            java.util.Optional<Integer> at = PulumiRun.subcommandIndex(words);
            if (at.isEmpty()) {
                return;
            }
            Arg sub = args.get(at.get());
            if (!sub.known()) {
                out.add(Danger.unreadable(
                        name + " " + sub.text(),
                        name + "'s subcommand is not known until it runs (" + sub.text() + ")",
                        "write the subcommand out"));
                return;
            }
            boolean previewOnly = words.stream().anyMatch(w -> w.equals("--preview-only"));
            String what = switch (sub.text()) {
                case "up", "update" -> name + " up";
                case "destroy", "down" -> previewOnly ? null : name + " destroy";
                default -> "";
            };
            if (what == null) {
                return;
            }
            if (what.isEmpty()) {
                table(name, args, env);
                return;
            }
            out.add(new Danger(name, what, Target.PULUMI, null, null, null, null, null));
        }

        private void terragrunt(List<Arg> args) {
            Set<String> valued = Set.of(
                    "--terragrunt-working-dir",
                    "--working-dir",
                    "--terragrunt-config",
                    "--config",
                    "--terragrunt-tfpath",
                    "--tf-path",
                    "--terragrunt-source",
                    "--source",
                    "--terragrunt-iam-role",
                    "--iam-assume-role",
                    "--terragrunt-log-level",
                    "--log-level",
                    "--terragrunt-parallelism",
                    "--parallelism",
                    "--terragrunt-include-dir",
                    "--queue-include-dir",
                    "--terragrunt-exclude-dir",
                    "--queue-exclude-dir",
                    "--terragrunt-download-dir",
                    "--download-dir");
            List<String> words = new ArrayList<>();
            boolean destroyFlag = false;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i).text();
                if (!args.get(i).known() && words.isEmpty()) {
                    out.add(Danger.unreadable(
                            "terragrunt " + a, "terragrunt's command is not known until it runs", "write it out"));
                    return;
                }
                if (valued.contains(a)) {
                    i++;
                } else if (a.equals("-destroy") || a.equals("--destroy")) {
                    destroyFlag = true;
                } else if (!a.startsWith("-")) {
                    words.add(a);
                }
            }
            String what = null;
            if (words.contains("destroy") || words.contains("destroy-all")) {
                what = "terragrunt destroy";
            } else if (words.contains("apply") || words.contains("apply-all")) {
                what = "terragrunt apply" + (destroyFlag ? " -destroy" : "");
            } else if (words.contains("state") && words.indexOf("rm") == words.indexOf("state") + 1) {
                what = "terragrunt state rm";
            }
            if (what != null) {
                out.add(new Danger("terragrunt", what, Target.TERRAFORM, null, null, null, null, null));
            }
        }

        private void sqlClient(String name, List<Arg> args, Map<String, String> env, Input stdin, int depth) {
            List<String> positional = new ArrayList<>();
            List<SqlClients.Given> options = SqlClients.of(name).parse(args, positional);
            List<String> sql = new ArrayList<>();
            boolean commandOrFile = false;
            String db = null;
            String host = null;
            String port = null;
            for (SqlClients.Given o : options) {
                String value = o.value();
                switch (o.role()) {
                    case CODE -> {
                        commandOrFile = true;
                        if (!o.known()) {
                            if (Sql.destructive(value).isPresent() || mentionsSql(value) || value.contains("\\")) {
                                out.add(Danger.unreadable(
                                        name + " " + o.option() + " " + ShellReader.abbreviate(value),
                                        "the SQL " + name + " runs is not known until it runs",
                                        "write the SQL out"));
                            }
                        } else {
                            sql.add(value);
                        }
                    }
                    case FILE -> {
                        if (value.equals("-")) {
                            continue;
                        }
                        commandOrFile = true;
                        Optional<String> t = o.known() ? file(value) : Optional.empty();
                        if (t.isEmpty()) {
                            out.add(Danger.unreadable(
                                    name + " " + o.option() + " " + value,
                                    name + " runs the SQL of " + value + ", which the guard cannot read here",
                                    "run it from the directory that holds the file, with its path written out"));
                        } else {
                            sql.add(t.get());
                        }
                    }
                    case VARIABLE -> {
                        // psql -v NAME=VALUE: :NAME in the SQL is replaced by VALUE
                        if (o.known()
                                && (mentionsSql(value) || Sql.dynamic(value).isPresent())) {
                            out.add(Danger.unreadable(
                                    name + " " + o.option() + " " + ShellReader.abbreviate(value),
                                    "psql puts a variable's value into the SQL where :NAME is written, and this one"
                                            + " holds destructive SQL",
                                    "write the SQL out instead of a variable"));
                        }
                    }
                    case DATABASE -> db = value;
                    case HOST -> host = o.known() ? value : UNKNOWN;
                    case PORT -> port = o.known() ? value : UNKNOWN;
                    case OTHER -> {
                        // user, socket, output format: not the target's identity
                    }
                }
            }
            if (!commandOrFile) {
                input(stdin, name, sql::add);
            }
            if (db == null && !positional.isEmpty()) {
                db = positional.getFirst();
            }
            for (int k = 0; k < sql.size(); k++) {
                String s = sql.get(k);
                for (SqlClients.Meta meta : SqlClients.metaCommands(name, s)) {
                    switch (meta.kind()) {
                        case SHELL -> text(meta.argument(), depth + 1, name + "'s " + meta.command() + " command");
                        case INCLUDE -> {
                            Optional<String> t = sql.size() < MAX_DEPTH ? file(meta.argument()) : Optional.empty();
                            if (t.isPresent()) {
                                sql.add(t.get());
                            } else {
                                out.add(Danger.unreadable(
                                        name + " " + meta.command() + " " + meta.argument(),
                                        name + " runs the SQL of " + meta.argument()
                                                + ", which the guard cannot read here",
                                        "run the file's statements themselves, or from the directory that holds it"));
                            }
                        }
                        case HIDDEN ->
                            out.add(Danger.unreadable(
                                    name + " " + meta.command(),
                                    name + "'s " + meta.command() + " runs statements or a program that are not in"
                                            + " the text",
                                    "run the statements (or the program) themselves so the guard can read them"));
                        case SET -> {
                            if (mentionsSql(meta.argument())
                                    || Sql.dynamic(meta.argument()).isPresent()) {
                                out.add(Danger.unreadable(
                                        name + " " + meta.command() + " " + ShellReader.abbreviate(meta.argument()),
                                        "psql puts a variable's value into the SQL where :NAME is written, and this"
                                                + " one holds destructive SQL",
                                        "write the SQL out instead of a variable"));
                            }
                        }
                    }
                }
                Optional<String> d = Sql.destructive(s);
                if (d.isPresent()) {
                    out.add(databaseDanger(name, name + ": " + d.get(), db, host, port, env, null));
                    return;
                }
                Optional<String> dyn = Sql.dynamic(s);
                if (dyn.isPresent()) {
                    out.add(Danger.unreadable(
                            name + ": " + dyn.get(),
                            "this SQL runs statements that are not in its text (a DO block, EXECUTE, CALL,"
                                    + " dblink_exec or COPY ... PROGRAM): what it destroys cannot be read",
                            "run the statements themselves, written out"));
                    return;
                }
            }
        }

        private void pgRestore(List<Arg> args, Map<String, String> env) {
            String valueShort = "dfFhIjLnNpPStTUeE";
            boolean clean = false;
            String db = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i).text();
                if (a.equals("--clean")) {
                    clean = true;
                } else if (a.startsWith("--dbname=")) {
                    db = a.substring(9);
                } else if (a.equals("--dbname") && i + 1 < args.size()) {
                    db = args.get(++i).text();
                } else if (a.startsWith("-") && !a.startsWith("--")) {
                    for (int k = 1; k < a.length(); k++) {
                        char ch = a.charAt(k);
                        if (ch == 'c') {
                            clean = true;
                        }
                        if (valueShort.indexOf(ch) >= 0) {
                            String v = k + 1 < a.length()
                                    ? a.substring(k + 1)
                                    : (i + 1 < args.size() ? args.get(++i).text() : null);
                            if (ch == 'd') {
                                db = v;
                            }
                            break;
                        }
                    }
                }
            }
            if (clean) {
                out.add(databaseDanger(
                        "pg_restore",
                        "pg_restore --clean",
                        db,
                        optionValue(args, valueShort, "", 'h', "--host"),
                        optionValue(args, valueShort, "", 'p', "--port"),
                        env,
                        null));
            }
        }

        private void kubectl(List<Arg> args) {
            Set<String> valued = Set.of(
                    "-n",
                    "--namespace",
                    "--context",
                    "--kubeconfig",
                    "--cluster",
                    "--user",
                    "-l",
                    "--selector",
                    "-o",
                    "--output",
                    "--field-selector",
                    "--grace-period",
                    "--timeout",
                    "-s",
                    "--server",
                    "--token",
                    "--as",
                    "-c",
                    "--cascade");
            List<String> positional = new ArrayList<>();
            boolean all = false;
            String file = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i).text();
                if (valued.contains(a)) {
                    i++;
                } else if (a.equals("-f") || a.equals("--filename")) {
                    file = i + 1 < args.size() ? args.get(++i).text() : null;
                } else if (a.equals("--all") || a.equals("-A") || a.equals("--all-namespaces")) {
                    all = true;
                } else if (!a.startsWith("-")) {
                    positional.add(a);
                }
            }
            int d = positional.indexOf("delete");
            if (d < 0) {
                return;
            }
            Set<String> destructive = Set.of(
                    "namespace",
                    "namespaces",
                    "ns",
                    "statefulset",
                    "statefulsets",
                    "sts",
                    "persistentvolumeclaim",
                    "persistentvolumeclaims",
                    "pvc",
                    "persistentvolume",
                    "persistentvolumes",
                    "pv");
            String kinds = d + 1 < positional.size() ? positional.get(d + 1).toLowerCase(Locale.ROOT) : "";
            boolean hit = false;
            for (String k : kinds.split(",", -1)) {
                String kind = k.contains("/") ? k.substring(0, k.indexOf('/')) : k;
                kind = kind.contains(".") ? kind.substring(0, kind.indexOf('.')) : kind;
                hit |= destructive.contains(kind) || (kind.equals("all") && all);
            }
            if (!hit && file != null) {
                Optional<String> manifest = file(file);
                hit = manifest.map(t -> t.matches("(?s).*kind:\\s*(Namespace|StatefulSet|PersistentVolumeClaim|"
                                + "PersistentVolume)\\b.*"))
                        .orElse(false);
            }
            if (hit) {
                out.add(new Danger(
                        "kubectl",
                        "kubectl delete " + (kinds.isEmpty() ? "-f " + file : kinds) + (all ? " --all" : ""),
                        Target.INFRASTRUCTURE,
                        d + 2 < positional.size() ? positional.get(d + 2) : null,
                        null,
                        null,
                        null,
                        null));
            }
        }

        private void table(String name, List<Arg> args, Map<String, String> env) {
            String tool =
                    name.endsWith(".js") || name.endsWith(".cmd") ? name.substring(0, name.lastIndexOf('.')) : name;
            for (DestructiveRules.Rule rule : DestructiveRules.RULES) {
                if (!rule.tools().contains(tool)) {
                    continue;
                }
                if (rule.matches(args)) {
                    if (rule.target() == Target.DATABASE) {
                        boolean mysqlAdmin = tool.equals("mysqladmin") || tool.equals("mariadb-admin");
                        String values = mysqlAdmin ? "hPuSOcwi" : "hpU";
                        String attached = mysqlAdmin ? "p" : "";
                        out.add(databaseDanger(
                                tool,
                                rule.family(),
                                databaseArgument(tool, args),
                                optionValue(args, values, attached, 'h', "--host"),
                                optionValue(args, values, attached, mysqlAdmin ? 'P' : 'p', "--port"),
                                env,
                                rule.docs()));
                    } else {
                        out.add(new Danger(tool, rule.family(), rule.target(), null, null, null, null, rule.docs()));
                    }
                    return;
                }
                if (args.stream().anyMatch(a -> !a.known() && !a.text().startsWith("-"))
                        && args.stream().noneMatch(a -> a.equals(Arg.UNKNOWN_INPUT))) {
                    // a word of the command is not known: it could be what makes it destroy
                    List<Arg> guess = args.stream()
                            .map(a -> a.known() ? a : Arg.of(guessWord(rule)))
                            .toList();
                    if (rule.matches(guess)) {
                        out.add(Danger.unreadable(
                                tool + " " + quoted(args),
                                "a word of this " + tool + " command is not known until it runs, and it could make"
                                        + " it " + rule.family(),
                                "write the command out"));
                        return;
                    }
                }
            }
            if (args.contains(Arg.UNKNOWN_INPUT)) {
                List<Arg> without =
                        args.stream().filter(a -> !a.equals(Arg.UNKNOWN_INPUT)).toList();
                for (DestructiveRules.Rule rule : DestructiveRules.RULES) {
                    if (rule.tools().contains(tool) && !rule.matches(without)) {
                        List<Arg> guess = new ArrayList<>(without);
                        guess.add(Arg.of(guessWord(rule)));
                        if (rule.matches(guess)) {
                            out.add(Danger.unreadable(
                                    tool + " " + quoted(without) + " <input>",
                                    "xargs adds words from its input to " + tool + ", which could make it "
                                            + rule.family(),
                                    "run the command with its arguments written out"));
                            return;
                        }
                    }
                }
            }
        }

        private static String guessWord(DestructiveRules.Rule rule) {
            List<String> w = rule.words().getFirst();
            return w.isEmpty() ? "x" : w.getLast().replace("*", "").replace("?", "x");
        }

        /** The database a tool names on its command line: a URL anywhere, or its positional name. */
        private static String databaseArgument(String tool, List<Arg> args) {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i).text();
                if (a.matches("(?i)(postgres|postgresql|mysql|mariadb)://.*")) {
                    return a;
                }
                if ((a.equals("--url") || a.equals("--database-url") || a.equals("--db-url")) && i + 1 < args.size()) {
                    return args.get(i + 1).text();
                }
                if (a.startsWith("--url=") || a.startsWith("--db-url=") || a.startsWith("--database-url=")) {
                    return a.substring(a.indexOf('=') + 1);
                }
            }
            if (tool.equals("dropdb")) {
                List<String> positional = new ArrayList<>();
                for (int i = 0; i < args.size(); i++) {
                    String a = args.get(i).text();
                    if (Set.of("-h", "-p", "-U", "--host", "--port", "--username", "--maintenance-db")
                            .contains(a)) {
                        i++;
                    } else if (!a.startsWith("-")) {
                        positional.add(a);
                    }
                }
                return positional.isEmpty() ? null : positional.getLast();
            }
            if (tool.equals("mysqladmin") || tool.equals("mariadb-admin")) {
                List<String> words = args.stream().map(Arg::text).toList();
                int d = words.indexOf("drop");
                return d >= 0 && d + 1 < words.size() ? words.get(d + 1) : null;
            }
            return null;
        }

        /**
         * A danger to a database: {@code db} is the URL or name the command gives (null: none), {@code host} and
         * {@code port} its options (null: not given; {@link #UNKNOWN}: not known until it runs).
         */
        private Danger databaseDanger(
                String tool, String what, String db, String host, String port, Map<String, String> env, String fix) {
            return new Danger(
                    tool,
                    what,
                    Target.DATABASE,
                    database(db, env, tool),
                    null,
                    null,
                    null,
                    null,
                    fix,
                    address(tool, db, host, port, env));
        }

        /** A database URL or name from the command, else from the environment the tool reads. */
        private static String database(String fromCommand, Map<String, String> env, String tool) {
            if (fromCommand != null) {
                return fromCommand;
            }
            DatabaseEngine client = clientEngine(tool);
            if (client == null) {
                return env.get("DATABASE_URL"); // the frameworks' convention (drizzle.config, schema.prisma, ...)
            }
            return client == DatabaseEngine.POSTGRESQL ? env.get("PGDATABASE") : null;
        }

        /** The engine of a database's own client (libpq's, MySQL's); null for a framework. */
        private static DatabaseEngine clientEngine(String tool) {
            return switch (tool) {
                case "psql", "pg_restore", "dropdb" -> DatabaseEngine.POSTGRESQL;
                case "mysql", "mariadb", "mysqladmin", "mariadb-admin" -> DatabaseEngine.MYSQL;
                default -> null;
            };
        }

        /**
         * The server and database {@code tool} reaches, resolved as the tool would: a URL in the command; else, for
         * a database's own client, its host and port options, then the environment it reads ({@code PGHOST},
         * {@code PGPORT}, {@code PGDATABASE}; {@code MYSQL_HOST}, {@code MYSQL_TCP_PORT}), then this machine; for a
         * framework, {@code DATABASE_URL}. Null, so the target is unknown and the command blocked, when any piece
         * is not known until it runs, a configuration the guard does not read could change it ({@code PGSERVICE},
         * {@code PGHOSTADDR}, a {@code host} in {@code ~/.my.cnf}, {@code ~/.mylogin.cnf}), or the command runs
         * under a runner that brings its own environment or runs it on another machine ({@code railway run},
         * {@code ssh}, {@code docker exec}, ...), where this machine's environment and {@code localhost} say
         * nothing.
         */
        private DatabaseAddress address(String tool, String db, String host, String port, Map<String, String> env) {
            if (UNKNOWN.equals(host) || UNKNOWN.equals(port)) {
                return null;
            }
            DatabaseEngine client = clientEngine(tool);
            DatabaseAddress a;
            if (db != null && db.contains("://")) {
                if (host != null || port != null) {
                    return null; // a URL and options both: which wins is the tool's business
                }
                a = DatabaseAddress.ofUrl(db).orElse(null);
            } else if (client == null) {
                a = elsewhere > 0
                        ? null
                        : DatabaseAddress.ofUrl(env.get("DATABASE_URL")).orElse(null);
            } else {
                boolean pg = client == DatabaseEngine.POSTGRESQL;
                if (db != null && db.contains("=")) {
                    return null; // a libpq keyword string: not read
                }
                if (pg && (env.get("PGSERVICE") != null || env.get("PGHOSTADDR") != null)) {
                    return null; // a service file or a host address decides where it connects, whatever -h says
                }
                if (host == null) {
                    if (elsewhere > 0) {
                        return null;
                    }
                    host = pg ? env.get("PGHOST") : env.get("MYSQL_HOST");
                    if (!pg && host == null && mysqlOptionFileSetsHost(env)) {
                        return null;
                    }
                }
                if (port == null) {
                    if (elsewhere > 0) {
                        return null;
                    }
                    port = pg ? env.get("PGPORT") : env.get("MYSQL_TCP_PORT");
                }
                if (db == null && pg && elsewhere == 0) {
                    db = env.get("PGDATABASE");
                }
                try {
                    a = DatabaseAddress.of(client, host, port, db);
                } catch (IllegalArgumentException | InvalidInputException e) {
                    return null;
                }
            }
            return a != null && remote > 0 && a.local() ? null : a;
        }

        /** Whether the MySQL client could take its host from an option file the guard does not read whole. */
        private static boolean mysqlOptionFileSetsHost(Map<String, String> env) {
            String home = env.get("HOME");
            if (home == null) {
                return false;
            }
            Path dir = Path.of(home);
            if (Files.exists(dir.resolve(".mylogin.cnf"))) {
                return true;
            }
            try {
                Path cnf = dir.resolve(".my.cnf");
                return Files.isRegularFile(cnf)
                        && Files.readAllLines(cnf).stream()
                                .anyMatch(l -> l.strip().matches("(?i)host\\s*=.*"));
            } catch (IOException | RuntimeException e) {
                return true; // unreadable: it could say anything
            }
        }

        /**
         * The last value of a short option {@code letter} (also inside a bundle: {@code -eh HOST}) or of {@code
         * longName} ({@code --host HOST}, {@code --host=HOST}); {@code valueLetters}: the short options that take a
         * value (the rest of the word, or the next word); {@code attachedOnly}: those that take only the rest of the
         * word. Null when absent; {@link #UNKNOWN} when its value is not known until it runs.
         */
        private static String optionValue(
                List<Arg> args, String valueLetters, String attachedOnly, char letter, String longName) {
            String found = null;
            for (int i = 0; i < args.size(); i++) {
                Arg arg = args.get(i);
                String a = arg.text();
                if (a.equals("--")) {
                    break;
                }
                if (a.startsWith(longName + "=")) {
                    found = arg.known() ? a.substring(longName.length() + 1) : UNKNOWN;
                } else if (a.equals(longName)) {
                    found = i + 1 < args.size()
                            ? (args.get(i + 1).known() ? args.get(i + 1).text() : UNKNOWN)
                            : null;
                    i++;
                } else if (a.startsWith("-") && !a.startsWith("--") && a.length() > 1) {
                    for (int k = 1; k < a.length(); k++) {
                        char ch = a.charAt(k);
                        if (attachedOnly.indexOf(ch) >= 0) {
                            break;
                        }
                        if (valueLetters.indexOf(ch) >= 0) {
                            String v;
                            boolean known;
                            if (k + 1 < a.length()) {
                                v = a.substring(k + 1);
                                known = arg.known();
                            } else if (i + 1 < args.size()) {
                                v = args.get(++i).text();
                                known = args.get(i).known();
                            } else {
                                v = null;
                                known = true;
                            }
                            if (ch == letter) {
                                found = known ? v : UNKNOWN;
                            }
                            break;
                        }
                    }
                }
            }
            return found;
        }

        // ----- make

        private void make(List<Arg> args, int depth) {
            Path dir = context.directory();
            String makefile = null;
            List<String> targets = new ArrayList<>();
            Map<String, String> overrides = new HashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i).text();
                if (a.equals("-f") || a.equals("--file") || a.equals("--makefile")) {
                    makefile = i + 1 < args.size() ? args.get(++i).text() : null;
                } else if (a.startsWith("--file=") || a.startsWith("--makefile=")) {
                    makefile = a.substring(a.indexOf('=') + 1);
                } else if (a.equals("-C") || a.equals("--directory")) {
                    String d = i + 1 < args.size() ? args.get(++i).text() : ".";
                    dir = dir == null ? null : dir.resolve(d);
                } else if (Set.of("-j", "-l", "-o", "-W", "-I").contains(a)) {
                    if (i + 1 < args.size() && !args.get(i + 1).text().startsWith("-") && !a.equals("-j")) {
                        i++;
                    }
                } else if (ShellReader.isAssignment(ShellReader.Word.literal(a))) {
                    putAssignment(overrides, a);
                } else if (!a.startsWith("-")) {
                    targets.add(a);
                }
            }
            if (dir == null) {
                return;
            }
            Optional<String> text = Optional.empty();
            for (String f : makefile != null ? List.of(makefile) : List.of("GNUmakefile", "makefile", "Makefile")) {
                text = read(dir.resolve(f));
                if (text.isPresent()) {
                    break;
                }
            }
            if (text.isEmpty()) {
                return;
            }
            Makefile mk = Makefile.parse(text.get(), overrides);
            if (targets.isEmpty() && mk.first() != null) {
                targets.add(mk.first());
            }
            for (String t : targets) {
                recipe(mk, t, depth);
            }
        }

        private void recipe(Makefile mk, String target, int depth) {
            if (!makeTargets.add(target) || depth > MAX_DEPTH) {
                return;
            }
            for (String p : mk.prerequisites(target)) {
                recipe(mk, p, depth + 1);
            }
            for (String line : mk.recipe(target)) {
                text(line, depth + 1, "make " + target + "'s recipe");
            }
        }

        // ----- helpers

        Optional<String> file(String name) {
            if (context.directory() == null) {
                return Optional.empty();
            }
            return read(context.directory().resolve(name));
        }

        private static Optional<String> read(Path p) {
            try {
                if (Files.isRegularFile(p) && Files.size(p) < MAX_INPUT * 4L) {
                    return Optional.of(Files.readString(p));
                }
            } catch (IOException | RuntimeException e) {
                // unreadable (not UTF-8, no permission): as if absent
            }
            return Optional.empty();
        }
    }

    /** The index of the first word of {@code args} that is not an option (nor an option's value). */
    static int options(List<Arg> args, String valueShort, Set<String> valueLong) {
        int i = 0;
        while (i < args.size()) {
            String a = args.get(i).text();
            if (a.equals("--")) {
                return i + 1;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                return i;
            }
            if (a.startsWith("--")) {
                i += !a.contains("=") && valueLong.contains(a) ? 2 : 1;
                continue;
            }
            if (a.matches("-[0-9]+")) {
                i++;
                continue;
            }
            // -abc: flags; a value letter takes the rest of the word, or the next word when it ends the word
            int k = 1;
            boolean takesNext = false;
            for (; k < a.length(); k++) {
                if (valueShort.indexOf(a.charAt(k)) >= 0) {
                    takesNext = k == a.length() - 1;
                    break;
                }
            }
            i += takesNext ? 2 : 1;
        }
        return i;
    }

    private static List<Arg> after(List<Arg> args, int i) {
        return i >= args.size() ? List.of() : args.subList(i, args.size());
    }

    private static int indexOf(List<Arg> args, String... words) {
        for (int i = 0; i < args.size(); i++) {
            for (String w : words) {
                if (args.get(i).text().equals(w)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Arg joined(List<Arg> args) {
        return new Arg(
                String.join(" ", args.stream().map(Arg::text).toList()),
                args.stream().allMatch(Arg::known));
    }

    private static void putAssignment(Map<String, String> env, String a) {
        int eq = a.indexOf('=');
        env.put(a.substring(0, eq), a.substring(eq + 1));
    }

    /** The words, quoted for a shell (to read again after an alias). */
    static String quoted(List<Arg> args) {
        List<String> out = new ArrayList<>();
        for (Arg a : args) {
            out.add(a.known() ? dev.lifeboat.protocol.ShellWords.singleQuoted(a.text()) : a.text());
        }
        return String.join(" ", out);
    }

    static String basename(String word) {
        return word.substring(word.lastIndexOf('/') + 1);
    }

    /**
     * Whether text that is not read as a command (an interpreter's code, text a shell cannot parse) names a
     * destructive tool or holds destructive SQL, also inside its string literals ({@code
     * conn.execute("DROP TABLE t")}).
     */
    private static boolean mentionsDestructive(String text) {
        return NAMES.matcher(text).find()
                || Sql.destructive(text).isPresent()
                || DESTRUCTIVE_SQL.matcher(text).find();
    }

    /** SQL that destroys, anywhere in a text that is not read as SQL (an unknown command's words). */
    private static final Pattern DESTRUCTIVE_SQL = Pattern.compile(
            "\\b(DROP\\s+(TABLE|DATABASE|SCHEMA|COLUMN|VIEW|MATERIALIZED|INDEX|SEQUENCE|OWNED|USER|ROLE|TABLESPACE"
                    + "|FUNCTION|PROCEDURE|TRIGGER|TYPE|EXTENSION|IF\\s+EXISTS)|TRUNCATE\\s+(TABLE\\s+)?\\w+|DELETE\\s+FROM)\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * Words of a command from text that is not shell (an awk program, a sed script, a git alias): up to the first
     * character that ends a command there ({@code ;} {@code |} {@code &} {@code )} <code>}</code> a backtick, a line
     * end), split at blanks, commas and brackets, with quotes and backslashes taken out.
     */
    private static final Pattern LENIENT_BLANKS = Pattern.compile("[\\s,\\[\\](]+");

    static List<Arg> leniently(String text) {
        int end = 0;
        while (end < text.length() && ";|&)}`\n".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        List<Arg> out = new ArrayList<>();
        for (String w : LENIENT_BLANKS.split(text.substring(0, end), -1)) {
            String t = w.replaceAll("['\"\\\\]", "");
            if (!t.isEmpty()) {
                out.add(Arg.of(t));
            }
        }
        return out;
    }

    private static boolean mentionsSql(String text) {
        return text.toUpperCase(Locale.ROOT).matches("(?s).*\\b(DROP|TRUNCATE|DELETE)\\b.*");
    }

    private static String mentioned(String text) {
        Matcher m = NAMES.matcher(text);
        if (m.find()) {
            return m.group(1);
        }
        Matcher sql = DESTRUCTIVE_SQL.matcher(text);
        if (Sql.destructive(text).isEmpty() && sql.find()) {
            return "SQL that destroys data (" + sql.group() + ")";
        }
        return Sql.destructive(text)
                .map(s -> "SQL that destroys data (" + s + ")")
                .orElse("a destructive tool");
    }
}
