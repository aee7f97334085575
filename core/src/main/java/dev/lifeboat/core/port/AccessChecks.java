package dev.lifeboat.core.port;

import dev.lifeboat.core.model.Location;
import java.util.List;
import java.util.Map;

/**
 * What {@code lifeboat preflight} asks AWS without changing anything: whether Lifeboat reaches an account (the
 * role it assumes there), whether the caller of an account may see a KMS key, and what IAM's policy simulation
 * says of a role Lifeboat owns for one action (RDS offers no dry run).
 */
public interface AccessChecks extends KeyManagers, AutoCloseable {
    /** IAM's answer for one simulated action. */
    enum Decision {
        ALLOWED,
        IMPLICIT_DENY,
        EXPLICIT_DENY,
        /** The simulation itself failed (no permission to simulate, the role does not exist): the detail says why. */
        NOT_CHECKED
    }

    record Answer(Decision decision, String detail) {
        public boolean allowed() {
            return decision == Decision.ALLOWED;
        }
    }

    /** Null when Lifeboat reaches {@code account} (assumes its role there, for a source account), else why not. */
    String reach(String account);

    /** Null when the caller of {@code where}'s account may describe {@code keyArn} (kms:DescribeKey), else why not. */
    String describeKey(Location where, String keyArn);

    /**
     * IAM's policy simulation of {@code roleArn} (a role of the backup account) for {@code action} on {@code
     * resourceArn}, with the request's condition keys ({@code context}).
     */
    Answer simulate(String roleArn, String action, String resourceArn, Map<String, List<String>> context);

    /** A route of a subnet's route table: {@code destination} a CIDR or prefix list, {@code target} its id. */
    record Route(String destination, String target) {}

    /** A subnet and the routes of its route table (its own, or the VPC's main one). */
    record SubnetRoutes(String subnetId, String vpcId, String routeTableId, List<Route> routes) {}

    /** A VPC endpoint: its service ({@code s3}, {@code secretsmanager}, ...), type, and where it serves. */
    record Endpoint(String id, String service, String type, boolean privateDns, List<String> routeTableIds) {}

    /** One rule of a security group: TCP ports (-1 for all traffic), and its peers (CIDRs or group ids). */
    record Rule(int fromPort, int toPort, List<String> peers) {
        public boolean covers(int port) {
            return fromPort == -1 || (fromPort <= port && port <= toPort);
        }
    }

    record SecurityGroup(String id, List<Rule> ingress, List<Rule> egress) {}

    /** The subnets {@code subnetIds} of {@code where}, with their routes. */
    List<SubnetRoutes> subnets(Location where, List<String> subnetIds);

    /** The VPC endpoints of {@code vpcId}. */
    List<Endpoint> endpoints(Location where, String vpcId);

    /** The security groups {@code ids} of {@code where}. */
    List<SecurityGroup> securityGroups(Location where, List<String> ids);

    @Override
    default void close() {}
}
