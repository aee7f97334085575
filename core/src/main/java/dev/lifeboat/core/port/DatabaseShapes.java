package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The RDS and EC2 calls around a database's shape, each in one account and Region: describing a source database
 * whole (the snapshot pipeline, through the source account's role), and finding or creating in a restore's target
 * what the recorded shape names (parameter groups, DB subnet groups, security groups). Creation calls tag what they
 * create; nothing here modifies or deletes anything that exists.
 */
public interface DatabaseShapes extends AutoCloseable {
    /** Releases the clients; nothing by default. */
    @Override
    default void close() {}

    /** The database's shape now, or empty when it does not exist. {@code databaseId} is lifeboat.yml's. */
    Optional<DatabaseShape> describe(Location where, DbKind kind, String identifier, String databaseId);

    /**
     * A parameter group with the parameters of it that differ from the engine default, or empty when there is none of
     * that name. {@code kind} CLUSTER: a DB cluster parameter group.
     */
    Optional<DatabaseShape.ParameterGroup> parameterGroup(Location where, DbKind kind, String name);

    /**
     * The names of the parameters a parameter group family accepts (DescribeEngineDefaultParameters, or
     * DescribeEngineDefaultClusterParameters), or empty when the Region cannot answer.
     */
    Optional<Set<String>> acceptedParameters(Location where, DbKind kind, String family);

    /** Creates a parameter group of {@code family} with those values (ModifyDBParameterGroup, 20 at a time). */
    void createParameterGroup(
            Location where,
            DbKind kind,
            String name,
            String family,
            String description,
            List<DatabaseShape.Parameter> parameters,
            Map<String, String> tags);

    /**
     * Creates an option group for {@code engine} and {@code majorVersion} with those options and settings
     * (CreateOptionGroup, then ModifyOptionGroup with OptionsToInclude).
     */
    void createOptionGroup(
            Location where,
            String name,
            String engine,
            String majorVersion,
            String description,
            List<DatabaseShape.Option> options,
            Map<String, String> tags);

    /** Whether an option group of that name exists. */
    boolean optionGroupExists(Location where, String name);

    /** Whether a DB subnet group of that name exists. */
    boolean subnetGroupExists(Location where, String name);

    /** The subnets of a DB subnet group, or empty when there is none of that name. */
    Optional<Set<String>> subnetGroupSubnets(Location where, String name);

    /** A security group with its rules as EC2 describes them, or empty. */
    Optional<DatabaseShape.SecurityGroup> securityGroup(Location where, String groupId);

    /** Those of {@code ids} that are security groups that exist there. */
    Set<String> existingSecurityGroups(Location where, Collection<String> ids);

    /** The VPC of those subnets; refused when they are not all in one VPC or one does not exist. */
    String vpcOfSubnets(Location where, Collection<String> subnetIds);

    /**
     * Creates a DB subnet group of those subnets. One that another call of the same restore made meanwhile (two at
     * once) counts as made: the caller then checks it is the one it asked for.
     */
    void createSubnetGroup(
            Location where, String name, String description, Collection<String> subnetIds, Map<String, String> tags);

    /** The id of the security group of that name in that VPC, or empty. */
    Optional<String> securityGroupNamed(Location where, String vpcId, String name);

    /**
     * Creates a security group in {@code vpcId} without rules of its own (EC2 gives it the allow-all egress rule); one
     * of that name made meanwhile by another call of the same restore is returned instead.
     */
    String createSecurityGroup(Location where, String vpcId, String name, String description, Map<String, String> tags);

    /**
     * Gives a security group exactly these rules on top of what it has: a rule it has already counts as added, and the
     * allow-all egress rule EC2 gives a new group is revoked when {@code egress} does not hold it.
     */
    void setRules(Location where, String groupId, List<DatabaseShape.Rule> ingress, List<DatabaseShape.Rule> egress);
}
