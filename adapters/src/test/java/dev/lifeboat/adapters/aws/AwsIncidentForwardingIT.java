package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.IncidentForwarding;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The audit's reading of a source account's incident forwarding rules, against moto's EventBridge: the source
 * account reached through STS AssumeRole as in production, each rule as there, disabled, or gone.
 */
@ExtendWith(RealParts.class)
class AwsIncidentForwardingIT {
    private static final String BACKUP = "123456789012";
    private static final String PROD = "111111111111";
    private static final Location SOURCE = new Location(PROD, "ap-southeast-2");

    @Test
    void eachRule_isReadAsThere_disabled_orGone_withItsTargets(MotoServer moto) {
        StsClient sts = StsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        AccountCredentials credentials = new AccountCredentials(
                BACKUP,
                Map.of(
                        PROD,
                        new AccountCredentials.AssumedRole(
                                "arn:aws:iam::" + PROD + ":role/lifeboat-source", "lifeboat-ext")),
                sts,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        String bus = Names.backupBusArn(BACKUP, "eu-central-1");
        String there = Names.INCIDENT_RULES.get(0);
        String disabled = Names.INCIDENT_RULES.get(1);
        String gone = Names.INCIDENT_RULES.get(2);
        String pattern = "{\"source\": [\"aws.rds\"], \"detail-type\": [\"AWS API Call via CloudTrail\"]}";
        try (EventBridgeClient production = EventBridgeClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(SOURCE.region()))
                .credentialsProvider(credentials.forAccount(PROD))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            for (String name : List.of(there, disabled)) {
                production.putRule(b -> b.name(name)
                        .eventPattern(pattern)
                        .state(name.equals(disabled) ? RuleState.DISABLED : RuleState.ENABLED));
                production.putTargets(b -> b.rule(name)
                        .targets(Target.builder()
                                .id("backup-account")
                                .arn(bus)
                                .roleArn("arn:aws:iam::" + PROD + ":role/forward")
                                .build()));
            }
            try {
                production.removeTargets(b -> b.rule(gone).ids("backup-account"));
                production.deleteRule(b -> b.name(gone));
            } catch (ResourceNotFoundException e) {
                // Not there from an earlier run: as wanted.
            }
        }

        try (AwsIncidentForwarding forwarding = new AwsIncidentForwarding(credentials, moto.clients())) {
            assertThat(forwarding.rule(SOURCE, there))
                    .isEqualTo(new IncidentForwarding.Rule(there, true, true, List.of(bus)));
            assertThat(forwarding.rule(SOURCE, disabled))
                    .isEqualTo(new IncidentForwarding.Rule(disabled, true, false, List.of(bus)));
            assertThat(forwarding.rule(SOURCE, gone))
                    .isEqualTo(new IncidentForwarding.Rule(gone, false, false, List.of()));
            assertThat(forwarding
                            .rule(new Location(BACKUP, SOURCE.region()), there)
                            .exists())
                    .as("the rule is the source account's, not the backup account's")
                    .isFalse();
        }
    }
}
