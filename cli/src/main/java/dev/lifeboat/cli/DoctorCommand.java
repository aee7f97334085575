package dev.lifeboat.cli;

import dev.lifeboat.adapters.aws.CallerIdentity;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.tls.TlsSettings;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.ClientVersionPolicy;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.protocol.BuildInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What this machine has for the work at hand, and for each missing piece the command that installs it. Changes
 * nothing. Exit 0 when everything it checked is there; 1 naming each problem (a missing client tool, a client older
 * than a server, AWS or the vault unreachable when the configuration or vault needs them).
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "What this machine has for a dump or a restore: the client tools and their versions (against the servers'"
                    + " versions of --source and of lifeboat.yml's dumped databases, when reachable), the AWS"
                    + " account and Region the credentials resolve to, the vault; for each missing piece the command"
                    + " that installs it on Debian/Ubuntu, Amazon Linux and macOS. Changes nothing.",
            "Exit 0: all there; 1: a problem, each named with its fix; 2: bad input."
        })
final class DoctorCommand implements Callable<Integer> {
    /** How long one network check (STS, a secret, a server, the vault) may take before it is reported unreachable. */
    static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(10);

    private final Context context;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "lifeboat.yml: its Region, its vault, and its dumped databases' servers (through their secrets)")
    Path config;

    @Option(
            names = "--source",
            paramLabel = "URL",
            description = "a database to check the client tools against (password from the engine's usual places);"
                    + " repeatable")
    List<String> sources = new ArrayList<>();

    @Option(names = "--vault", paramLabel = "URI", description = "a vault to reach (file:DIR or s3://BUCKET/PREFIX)")
    String vault;

    private int problems;

    DoctorCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LifeboatConfig cfg = config == null ? null : ConfigLoader.load(config);
        var out = context.out();
        out.println(BuildInfo.current().describe());
        out.println("  on Java " + Runtime.version() + " at " + System.getProperty("java.home"));

        out.println();
        out.println("Client tools");
        ProcessDumpTools tools = context.tools();
        Map<String, Optional<ProcessDumpTools.Found>> found = new LinkedHashMap<>();
        found.put("pg_dump", probe(tools, DatabaseEngine.POSTGRESQL, "pg_dump"));
        found.put("pg_restore", probe(tools, DatabaseEngine.POSTGRESQL, "pg_restore"));
        found.put("psql", probe(tools, DatabaseEngine.POSTGRESQL, "psql"));
        found.put("mariadb-dump", probe(tools, DatabaseEngine.MARIADB, "mariadb-dump", "mysqldump"));
        found.put("mariadb", probe(tools, DatabaseEngine.MARIADB, "mariadb", "mysql"));
        // lifeboat stream and restore --to-time (issue 40)
        found.put("mariadb-binlog", probe(tools, DatabaseEngine.MARIADB, "mariadb-binlog", "mysqlbinlog"));
        for (var e : found.entrySet()) {
            if (e.getValue().isPresent()) {
                var f = e.getValue().get();
                line("ok", e.getKey() + " " + f.version().shortForm() + " (" + f.path() + ")");
            } else {
                DatabaseEngine engine = e.getKey().startsWith("p") ? DatabaseEngine.POSTGRESQL : DatabaseEngine.MARIADB;
                String broken = brokenTools.get(e.getKey());
                problem(
                        broken != null
                                ? e.getKey() + " is there but does not run: " + broken
                                : e.getKey() + " is missing",
                        (broken != null ? "reinstall it; " : "") + install(engine, 0));
            }
        }

        Map<String, Callable<DatabaseTarget>> databases = new LinkedHashMap<>();
        for (String s : sources) {
            databases.put(s, () -> context.database("--source", s, "--secret-id", null));
        }
        if (cfg != null) {
            cfg.databases().forEach((id, db) -> {
                if (db.dump() != null && db.dump().secretArn() != null) {
                    String secret = db.dump().secretArn();
                    databases.put(id, () -> context.database("--source", null, "--secret-id", secret));
                }
            });
        }
        // The CAs a database that is not on this host is verified against (sslmode=verify-full, the default there).
        String bundle = context.env().getOrDefault(TlsSettings.BUNDLE_VARIABLE, "");
        java.nio.file.Path bundlePath = java.nio.file.Path.of(bundle.isBlank() ? TlsSettings.DEFAULT_BUNDLE : bundle);
        if (java.nio.file.Files.isReadable(bundlePath)) {
            line("ok", "the RDS CA bundle (" + bundlePath + ")");
        } else {
            line(
                    "warning",
                    "no RDS CA bundle at " + bundlePath + ": a database that is not on this host is reached with"
                            + " sslmode=verify-full, which needs it. Get it: curl -fsSLo rds-global-bundle.pem"
                            + " https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem && export "
                            + TlsSettings.BUNDLE_VARIABLE + "=$PWD/rds-global-bundle.pem");
        }

        out.println();
        out.println("Databases");
        if (databases.isEmpty()) {
            line("-", "none given (--source URL, or --config with databases that have dump.secretArn)");
        }
        databases.forEach((name, target) -> database(name, target, found));

        out.println();
        out.println("AWS");
        boolean needsAws = cfg != null || (vault != null && vault.startsWith("s3://"));
        Optional<String> region =
                cfg != null ? Optional.of(cfg.backup().region()) : CallerIdentity.region(context.env());
        if (region.isEmpty()) {
            awsProblem(
                    needsAws,
                    "no Region: the credentials' account cannot be asked",
                    "export AWS_REGION=<the Region of your backups>, or give --config lifeboat.yml");
        } else {
            String r = region.get();
            try {
                var id = timed(() -> CallerIdentity.of(context.aws(), r, NETWORK_TIMEOUT));
                line("ok", "account " + id.account() + " as " + id.arn() + ", Region " + id.region());
            } catch (TimeoutException e) {
                awsProblem(
                        needsAws,
                        "cannot reach STS in " + r + " within " + NETWORK_TIMEOUT.toSeconds()
                                + " s (no network to AWS from here?)",
                        "check this machine's route to sts." + r + ".amazonaws.com (proxy, VPC endpoint)");
            } catch (RuntimeException e) {
                awsProblem(
                        needsAws,
                        "cannot reach STS in " + r + ": " + firstLine(e),
                        dev.lifeboat.adapters.net.NetworkPaths.isNetworkFailure(e)
                                ? "check this machine's route to sts." + r + ".amazonaws.com (proxy, VPC endpoint,"
                                        + " AWS_ENDPOINT_URL)"
                                : "configure credentials: aws configure (or aws sso login), or AWS_PROFILE; install"
                                        + " the AWS CLI: Debian/Ubuntu: sudo apt-get install awscli | Amazon Linux:"
                                        + " preinstalled | macOS: brew install awscli");
            }
        }

        String uri = vault != null ? vault : cfg != null ? cfg.backup().vault() : null;
        out.println();
        out.println("Vault");
        if (uri == null) {
            line("-", "none given (--vault URI, or --config with backup.vault)");
        } else {
            try {
                List<String> ids =
                        timed(() -> context.catalog(context.vaultAt(uri, cfg)).databases());
                line("ok", uri + ": backups of " + ids.size() + " database(s)" + (ids.isEmpty() ? "" : ": " + ids));
            } catch (TimeoutException e) {
                problem(
                        "cannot reach the vault " + uri + " within " + NETWORK_TIMEOUT.toSeconds() + " s",
                        "check the network to S3 and the credentials above");
            } catch (RuntimeException e) {
                problem("cannot read the vault " + uri + ": " + firstLine(e), "check the URI and the permissions");
            }
        }

        out.println();
        out.println(
                problems == 0
                        ? "All there."
                        : problems + " problem(s), each named above with its fix; exit " + ExitCode.FAILED + ".");
        return problems == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    private void database(
            String name, Callable<DatabaseTarget> target, Map<String, Optional<ProcessDumpTools.Found>> found) {
        ServerInfo server;
        try {
            server = timed(() -> context.inspector().serverInfo(target.call()));
        } catch (TimeoutException e) {
            problem(
                    name + ": no answer within " + NETWORK_TIMEOUT.toSeconds() + " s",
                    "check the network path to the database");
            return;
        } catch (RuntimeException e) {
            problem(name + ": cannot reach it: " + firstLine(e), "check the URL or secret, the password, the network");
            return;
        }
        boolean pg = server.engine() == DatabaseEngine.POSTGRESQL;
        String dumpTool = pg ? "pg_dump" : "mariadb-dump";
        String loadTool = pg ? "pg_restore" : "mariadb";
        String what = name + ": " + server.engine().name().toLowerCase(java.util.Locale.ROOT) + " "
                + server.version().shortForm();
        List<String> tooOld = new ArrayList<>();
        for (String tool : List.of(dumpTool, loadTool)) {
            var f = found.get(tool);
            if (f.isEmpty()) {
                tooOld.add(tool + " missing");
                continue;
            }
            try {
                ClientVersionPolicy.check(server, tool, f.get().version());
            } catch (RuntimeException e) {
                tooOld.add(tool + " " + f.get().version().shortForm() + " is older than the server");
            }
        }
        if (tooOld.isEmpty()) {
            line("ok", what + ": the client tools are at least as new");
        } else {
            problem(
                    what + ": " + String.join(", ", tooOld),
                    install(server.engine(), server.version().major()));
        }
    }

    /** Tools found that fail or hang on {@code --version}, with what they said: not "missing". */
    private final Map<String, String> brokenTools = new LinkedHashMap<>();

    private Optional<ProcessDumpTools.Found> probe(
            ProcessDumpTools tools, DatabaseEngine engine, String name, String... alternatives) {
        try {
            return tools.probe(engine, name, alternatives);
        } catch (RuntimeException e) {
            brokenTools.put(name, firstLine(e));
            return Optional.empty();
        }
    }

    /** The commands that install an engine's client tools (of {@code major}, or the current ones for 0). */
    static String install(DatabaseEngine engine, int major) {
        if (engine == DatabaseEngine.POSTGRESQL) {
            String v = major == 0 ? "17" : Integer.toString(major);
            return "install the PostgreSQL client tools " + (major == 0 ? "" : major + " or newer ")
                    + "- Debian/Ubuntu:"
                    + " sudo apt-get install postgresql-client" + (major == 0 ? "" : "-" + v)
                    + " (older or newer majors from apt.postgresql.org) | Amazon Linux 2023: sudo dnf install postgresql"
                    + v + " | macOS: brew install postgresql@" + v
                    + "; or set LIFEBOAT_PG_BIN to their folder";
        }
        return "install the MariaDB client tools - Debian/Ubuntu: sudo apt-get install mariadb-client | Amazon Linux"
                + " 2023: sudo dnf install mariadb105 | macOS: brew install mariadb; or set LIFEBOAT_MARIADB_BIN to"
                + " their folder";
    }

    private void awsProblem(boolean counts, String what, String fix) {
        if (counts) {
            problem(what, fix);
        } else {
            line("warning", what + " (not needed for a local vault; needed for snapshots and s3:// vaults)");
            line("", "fix: " + fix);
        }
    }

    private void problem(String what, String fix) {
        problems++;
        line("PROBLEM", what);
        line("", "fix: " + fix);
    }

    private void line(String status, String text) {
        context.out().printf("  %-8s %s%n", status, text);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** Runs a network check on a thread of its own, for at most {@link #NETWORK_TIMEOUT}. */
    private static <T> T timed(Callable<T> work) throws TimeoutException {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, "lifeboat-doctor-check");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(NETWORK_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException re ? re : new IllegalStateException(firstLine(c), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            task.cancel(true);
        }
    }
}
