package dev.lifeboat.core.port;

import dev.lifeboat.core.model.Location;
import java.util.List;

/**
 * The EventBridge rules that forward the incident's calls from a source account and Region to the backup account,
 * as EventBridge describes them there (events:DescribeRule and events:ListTargetsByRule, through the source role).
 */
@FunctionalInterface
public interface IncidentForwarding {
    /**
     * One rule: {@code exists} false when there is none of that name; {@code enabled} when its state is ENABLED (or
     * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS); {@code targetArns} the ARNs its targets send to.
     */
    record Rule(String name, boolean exists, boolean enabled, List<String> targetArns) {
        public Rule {
            targetArns = targetArns == null ? List.of() : List.copyOf(targetArns);
        }
    }

    /**
     * The rule named {@code name} in {@code where}.
     *
     * @throws RuntimeException when it cannot be read (no permission, no network): the audit reports it
     */
    Rule rule(Location where, String name);
}
