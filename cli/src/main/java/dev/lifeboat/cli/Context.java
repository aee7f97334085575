package dev.lifeboat.cli;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.rds.AwsDatabaseShapes;
import dev.lifeboat.adapters.rds.AwsRdsGateway;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.adapters.secrets.LocalCredentials;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.AccountSpaces;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.ConnectionUrl;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What the commands need from the outside world, passed in so tests can run them in-process; the
 * composition root of the command line (adapters are built here, on first use, once per command).
 */
final class Context implements AutoCloseable {
    private final Map<String, String> env;
    private final Path home;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;
    private final boolean terminal;
    private final InputStream in;

    Context(Map<String, String> env, Path home, PrintStream out, PrintStream err, Clock clock, boolean terminal) {
        this(env, home, out, err, clock, terminal, System.in);
    }

    Context(
            Map<String, String> env,
            Path home,
            PrintStream out,
            PrintStream err,
            Clock clock,
            boolean terminal,
            InputStream in) {
        this.env = env;
        this.home = home;
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.terminal = terminal;
        this.in = in;
    }

    /** Standard input: what a hook hands over. */
    InputStream in() {
        return in;
    }

    Map<String, String> env() {
        return env;
    }

    Path home() {
        return home;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Clock clock() {
        return clock;
    }

    boolean terminal() {
        return terminal;
    }

    @Override
    public synchronized void close() {
        if (aws != null) {
            aws.close();
            aws = null;
        }
    }

    static Context system() {
        return new Context(
                System.getenv(),
                Path.of(System.getProperty("user.home")),
                System.out,
                System.err,
                Clock.systemUTC(),
                Progress.stderrIsTerminal());
    }

    private AwsClients aws;

    /** The SDK clients of this command, built once and on first use. */
    synchronized AwsClients aws() {
        if (aws == null) {
            aws = AwsClients.fromEnvironment(env);
        }
        return aws;
    }

    ProcessDumpTools tools() {
        return new ProcessDumpTools(env);
    }

    JdbcInspector inspector() {
        return new JdbcInspector();
    }

    /** PostgreSQL's logical change stream and its replay (issue 41). */
    dev.lifeboat.core.port.ChangeFeed changeFeed() {
        return new dev.lifeboat.adapters.jdbc.PgChangeFeed();
    }

    /** A database from a URL (password from the engine's usual places) or from a Secrets Manager secret. */
    DatabaseTarget database(String urlOption, String url, String secretOption, String secretId) {
        if ((url == null) == (secretId == null)) {
            throw new InvalidInputException("give " + urlOption + " URL or " + secretOption + " ID (one of them)");
        }
        if (secretId != null) {
            return aws().secretSource().databaseTarget(secretId);
        }
        return new LocalCredentials(env, home).complete(ConnectionUrl.parse(urlOption, url));
    }

    /** The RDS gateway for a configuration: the backup account's own credentials, a role per source account. */
    RdsGateway rds(LifeboatConfig config) {
        return AwsRdsGateway.forConfig(config, aws());
    }

    /** The shape calls of RDS and EC2 for a configuration's accounts (issue 14). */
    DatabaseShapes shapes(LifeboatConfig config) {
        return AwsDatabaseShapes.forConfig(config, aws(), clock);
    }

    /** The backups of a vault; each manifest it skips is named on stderr once, as a warning. */
    BackupCatalog catalog(Vault vault) {
        return new BackupCatalog(
                vault, clock, s -> err.println("lifeboat: warning: skipped " + s.key() + ": " + s.reason()));
    }

    /** The vault of lifeboat.yml ({@code backup.vault}); null when it is not set. */
    Vault vault(LifeboatConfig config) {
        return aws().configuredVault(config, clock);
    }

    /**
     * A vault given as {@code --vault URI}: each database's dumps from its source account's space, the account
     * named by {@code config} when there is one, else the one account whose space holds them (issue 16).
     */
    Vault vaultAt(String uri, LifeboatConfig config) {
        Vault v = aws().vault(uri, S3Vault.Settings::of, clock);
        return config != null
                ? AccountSpaces.of(v, config.dumpOwners())
                : AccountSpaces.discovered(v, w -> err.println("lifeboat: warning: " + w));
    }

    Progress progress(String verb) {
        return new Progress(err, terminal, verb, clock);
    }
}
