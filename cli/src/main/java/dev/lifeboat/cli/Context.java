package dev.lifeboat.cli;

import dev.lifeboat.core.adapter.Vaults;
import dev.lifeboat.core.adapter.aws.AwsClients;
import dev.lifeboat.core.adapter.jdbc.JdbcInspector;
import dev.lifeboat.core.adapter.process.ProcessDumpTools;
import dev.lifeboat.core.adapter.secrets.LocalCredentials;
import dev.lifeboat.core.adapter.secrets.SecretsManagerSource;
import dev.lifeboat.core.model.ConnectionUrl;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.Vault;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** What the commands need from the outside world, passed in so tests can run them in-process. */
record Context(Map<String, String> env, Path home, PrintStream out, PrintStream err, Clock clock, boolean terminal) {

    static Context system() {
        return new Context(System.getenv(), Path.of(System.getProperty("user.home")), System.out, System.err,
                Clock.systemUTC(), Progress.stderrIsTerminal());
    }

    AwsClients aws() {
        return AwsClients.fromEnvironment(env);
    }

    ProcessDumpTools tools() {
        return new ProcessDumpTools(env);
    }

    JdbcInspector inspector() {
        return new JdbcInspector();
    }

    /** A database from a URL (password from the engine's usual places) or from a Secrets Manager secret. */
    DatabaseTarget database(String urlOption, String url, String secretOption, String secretId) {
        if ((url == null) == (secretId == null)) {
            throw new IllegalArgumentException("give " + urlOption + " URL or " + secretOption + " ID (one of them)");
        }
        if (secretId != null) {
            try (var sm = aws().secretsManager()) {
                return new SecretsManagerSource(sm).databaseTarget(secretId);
            }
        }
        return new LocalCredentials(env, home).complete(ConnectionUrl.parse(urlOption, url));
    }

    /** The RDS gateway for a configuration: the backup account's own credentials, a role per source account. */
    dev.lifeboat.core.adapter.rds.AwsRdsGateway rds(dev.lifeboat.core.config.LifeboatConfig config) {
        return dev.lifeboat.core.adapter.rds.AwsRdsGateway.forConfig(config, env);
    }

    /** The vault of lifeboat.yml ({@code backup.vault}); null when it is not set. */
    Vault vault(dev.lifeboat.core.config.LifeboatConfig config) {
        return Vaults.configured(config.backup(), aws()::s3, clock);
    }

    Progress progress(String verb) {
        return new Progress(err, terminal, verb, clock);
    }
}
