package dev.lifeboat.adapters.preflight;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.aws.AwsKeyManagers;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.AccessChecks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@link AccessChecks} against AWS, with the credentials a run uses: the backup account's own (the operator's,
 * for {@code lifeboat preflight}), and the configured role assumed in each source account. The simulation is
 * IAM's SimulatePrincipalPolicy (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html),
 * which the operator needs {@code iam:SimulatePrincipalPolicy} for; it evaluates the role's own policies, not the
 * key policies of other accounts, which {@link #describeKey} reaches with the role's own credentials instead.
 */
public final class AwsAccessChecks implements AccessChecks {
    /** Condition keys of the boolean type (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). */
    private static final Set<String> BOOLEAN_KEYS =
            Set.of("kms:GrantIsForAWSResource", "aws:MultiFactorAuthPresent", "aws:SecureTransport");

    private final String backupAccount;
    private final AccountCredentials credentials;
    private final AwsClients aws;
    private final Map<Location, KmsClient> kms = new HashMap<>();
    private final Map<Location, Ec2Client> ec2 = new HashMap<>();
    private final AwsKeyManagers keyManagers;
    private IamClient iam;

    public AwsAccessChecks(String backupAccount, AccountCredentials credentials, AwsClients aws) {
        this.backupAccount = backupAccount;
        this.credentials = credentials;
        this.aws = aws;
        this.keyManagers = new AwsKeyManagers(credentials, aws);
    }

    /** With the credentials of a run of {@code config}. */
    public static AwsAccessChecks forConfig(LifeboatConfig config, AwsClients aws) {
        return new AwsAccessChecks(config.backup().account(), AccountCredentials.forConfig(config, aws), aws);
    }

    @Override
    public String reach(String account) {
        try {
            credentials.forAccount(account).resolveCredentials();
            return null;
        } catch (RuntimeException e) {
            return "cannot assume the role in " + account + ": " + what(e)
                    + "; check the role's trust policy and external id (its source stack deployed?)";
        }
    }

    @Override
    public synchronized String describeKey(Location where, String keyArn) {
        try {
            kms.computeIfAbsent(where, w -> aws.kms(w.region(), credentials.forAccount(w.account())))
                    .describeKey(b -> b.keyId(keyArn));
            return null;
        } catch (RuntimeException e) {
            return what(e);
        }
    }

    @Override
    public String keyManager(Location where, String keyArn) {
        return keyManagers.keyManager(where, keyArn);
    }

    @Override
    public synchronized Answer simulate(
            String roleArn, String action, String resourceArn, Map<String, List<String>> context) {
        try {
            if (iam == null) {
                iam = aws.iam(credentials.forAccount(backupAccount));
            }
            List<EvaluationResult> results = iam.simulatePrincipalPolicy(b -> b.policySourceArn(roleArn)
                            .actionNames(action)
                            .resourceArns(resourceArn)
                            .contextEntries(context.entrySet().stream()
                                    .map(e -> ContextEntry.builder()
                                            .contextKeyName(e.getKey())
                                            .contextKeyValues(e.getValue())
                                            .contextKeyType(type(e.getKey(), e.getValue()))
                                            .build())
                                    .toList()))
                    .evaluationResults();
            if (results.isEmpty()) {
                return new Answer(Decision.NOT_CHECKED, "IAM returned no evaluation");
            }
            PolicyEvaluationDecisionType d = results.getFirst().evalDecision();
            return new Answer(
                    switch (d) {
                        case ALLOWED -> Decision.ALLOWED;
                        case EXPLICIT_DENY -> Decision.EXPLICIT_DENY;
                        default -> Decision.IMPLICIT_DENY;
                    },
                    null);
        } catch (RuntimeException e) {
            return new Answer(
                    Decision.NOT_CHECKED,
                    "IAM's policy simulation failed: " + what(e)
                            + " (the caller needs iam:SimulatePrincipalPolicy on the backup account's roles)");
        }
    }

    private synchronized Ec2Client ec2(Location where) {
        return ec2.computeIfAbsent(where, w -> aws.ec2(w.region(), credentials.forAccount(w.account())));
    }

    @Override
    public List<SubnetRoutes> subnets(Location where, List<String> subnetIds) {
        Ec2Client c = ec2(where);
        List<SubnetRoutes> out = new ArrayList<>();
        for (Subnet s : c.describeSubnets(b -> b.subnetIds(subnetIds)).subnets()) {
            List<RouteTable> own = c.describeRouteTables(b -> b.filters(Filter.builder()
                            .name("association.subnet-id")
                            .values(s.subnetId())
                            .build()))
                    .routeTables();
            // A subnet without a route table of its own uses the VPC's main one.
            List<RouteTable> tables = own.isEmpty()
                    ? c.describeRouteTables(b -> b.filters(
                                    Filter.builder()
                                            .name("vpc-id")
                                            .values(s.vpcId())
                                            .build(),
                                    Filter.builder()
                                            .name("association.main")
                                            .values("true")
                                            .build()))
                            .routeTables()
                    : own;
            RouteTable t = tables.isEmpty() ? null : tables.getFirst();
            List<Route> routes = t == null
                    ? List.of()
                    : t.routes().stream()
                            .map(r -> new Route(
                                    r.destinationCidrBlock() != null
                                            ? r.destinationCidrBlock()
                                            : String.valueOf(r.destinationPrefixListId()),
                                    r.natGatewayId() != null ? r.natGatewayId() : String.valueOf(r.gatewayId())))
                            .toList();
            out.add(new SubnetRoutes(s.subnetId(), s.vpcId(), t == null ? null : t.routeTableId(), routes));
        }
        return out;
    }

    @Override
    public List<Endpoint> endpoints(Location where, String vpcId) {
        return ec2(where)
                .describeVpcEndpoints(b ->
                        b.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .vpcEndpoints()
                .stream()
                .map(e -> new Endpoint(
                        e.vpcEndpointId(),
                        e.serviceName().substring(e.serviceName().lastIndexOf('.') + 1),
                        e.vpcEndpointTypeAsString(),
                        Boolean.TRUE.equals(e.privateDnsEnabled()),
                        e.routeTableIds()))
                .toList();
    }

    @Override
    public List<SecurityGroup> securityGroups(Location where, List<String> ids) {
        return ec2(where).describeSecurityGroups(b -> b.groupIds(ids)).securityGroups().stream()
                .map(g -> new SecurityGroup(g.groupId(), rules(g.ipPermissions()), rules(g.ipPermissionsEgress())))
                .toList();
    }

    private static List<Rule> rules(List<IpPermission> permissions) {
        return permissions.stream()
                .filter(p -> p.ipProtocol().equals("-1")
                        || p.ipProtocol().equals("tcp")
                        || p.ipProtocol().equals("6"))
                .map(p -> {
                    List<String> peers = new ArrayList<>();
                    p.ipRanges().forEach(r -> peers.add(r.cidrIp()));
                    p.ipv6Ranges().forEach(r -> peers.add(r.cidrIpv6()));
                    p.userIdGroupPairs().forEach(r -> peers.add(r.groupId()));
                    p.prefixListIds().forEach(r -> peers.add(r.prefixListId()));
                    boolean all = p.ipProtocol().equals("-1") || p.fromPort() == null;
                    return new Rule(all ? -1 : p.fromPort(), all ? -1 : p.toPort(), peers);
                })
                .toList();
    }

    private static ContextKeyTypeEnum type(String key, List<String> values) {
        if (BOOLEAN_KEYS.contains(key)) {
            return ContextKeyTypeEnum.BOOLEAN;
        }
        return values.size() > 1 || key.equalsIgnoreCase("aws:TagKeys")
                ? ContextKeyTypeEnum.STRING_LIST
                : ContextKeyTypeEnum.STRING;
    }

    /** AWS's error code and message, or the exception's message: never a stack trace for an operator. */
    private static String what(RuntimeException e) {
        if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage();
        }
        if (e instanceof SdkException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public synchronized void close() {
        kms.values().forEach(KmsClient::close);
        kms.clear();
        ec2.values().forEach(Ec2Client::close);
        ec2.clear();
        if (iam != null) {
            iam.close();
        }
        credentials.close();
    }
}
