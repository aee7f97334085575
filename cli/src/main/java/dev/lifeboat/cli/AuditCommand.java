package dev.lifeboat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.aws.AwsIncidentForwarding;
import dev.lifeboat.adapters.preflight.AwsAccessChecks;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.audit.Auditing;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.RdsGateway;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Check the source accounts for the failure modes of the incident: databases without deletion protection,"
                    + " without automated backups, on aws/rds without a share key, or not protected by Lifeboat; and"
                    + " configured databases whose newest copy or dump is older than their schedule allows.",
            "Read-only. Exit 0 when clean, 1 when any finding, each with its severity and its fix."
        })
final class AuditCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "lifeboat.yml")
    Path config;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    String format;

    AuditCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new InvalidInputException("--format '" + format + "' is not text or json");
        }
        LifeboatConfig cfg = ConfigLoader.load(config);
        List<Auditing.Finding> findings;
        try (RdsGateway rds = context.rds(cfg);
                AwsAccessChecks access = AwsAccessChecks.forConfig(cfg, context.aws());
                AwsIncidentForwarding forwarding =
                        new AwsIncidentForwarding(AccountCredentials.forConfig(cfg, context.aws()), context.aws())) {
            findings = new Auditing(rds, access, context.vault(cfg), context.clock())
                    .withForwarding(forwarding)
                    .audit(cfg);
        }
        if (format.equals("json")) {
            ObjectMapper json = new ObjectMapper();
            ArrayNode list = json.createArrayNode();
            findings.forEach(f -> list.addObject()
                    .put("severity", f.severity().toString())
                    .put("account", f.where().account())
                    .put("region", f.where().region())
                    .put("identifier", f.identifier())
                    .put("problem", f.problem())
                    .put("fix", f.fix()));
            context.out().println(list.toPrettyString());
        } else {
            for (Auditing.Finding f : findings) {
                context.out().printf("%-6s %s %s: %s%n", f.severity(), f.where(), f.identifier(), f.problem());
                context.out().printf("       fix: %s%n", f.fix());
            }
            context.out().println(findings.isEmpty() ? "clean" : findings.size() + " findings");
        }
        return findings.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }
}
