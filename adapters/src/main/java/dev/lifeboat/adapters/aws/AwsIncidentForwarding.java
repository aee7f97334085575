package dev.lifeboat.adapters.aws;

import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.IncidentForwarding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * {@link IncidentForwarding} against EventBridge: DescribeRule and ListTargetsByRule in the rule's account and
 * Region, with that account's credentials (the source role). A rule that does not exist is answered, not thrown
 * (ResourceNotFoundException, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeRule.html);
 * any other failure is thrown, so the audit reports that it could not look.
 */
public final class AwsIncidentForwarding implements IncidentForwarding, AutoCloseable {
    private final AccountCredentials credentials;
    private final AwsClients aws;
    private final Map<Location, EventBridgeClient> clients = new HashMap<>();

    public AwsIncidentForwarding(AccountCredentials credentials, AwsClients aws) {
        this.credentials = credentials;
        this.aws = aws;
    }

    @Override
    public synchronized Rule rule(Location where, String name) {
        EventBridgeClient events =
                clients.computeIfAbsent(where, w -> aws.events(w.region(), credentials.forAccount(w.account())));
        DescribeRuleResponse rule;
        try {
            rule = events.describeRule(b -> b.name(name));
        } catch (ResourceNotFoundException e) {
            return new Rule(name, false, false, List.of());
        }
        boolean enabled = rule.state() == RuleState.ENABLED
                || rule.state() == RuleState.ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS;
        List<String> targets = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = events.listTargetsByRule(b -> b.rule(name).nextToken(token));
            page.targets().stream().map(Target::arn).forEach(targets::add);
            next = page.nextToken();
        } while (next != null && !next.isEmpty());
        return new Rule(name, true, enabled, targets);
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(EventBridgeClient::close);
        clients.clear();
    }
}
