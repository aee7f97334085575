package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.Policies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.ec2.CfnSecurityGroup;
import software.amazon.awscdk.services.ec2.CfnVPCEndpoint;
import software.constructs.Construct;

/**
 * The path from a function inside a VPC to the AWS APIs it calls (docs/deploy.md, "Egress"). With {@code nat}
 * nothing is created: the subnets' route to a NAT gateway carries the calls. With {@code endpoints} the app
 * creates, for each service not named in {@code existing}: the S3 gateway endpoint in the subnets' route tables
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html), and an interface endpoint with
 * private DNS in the function's subnets for every other service
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html), behind a security group
 * that admits HTTPS from the function's security groups only. The S3 and Secrets Manager endpoints carry
 * policies that admit only the vault and the configured secrets: they apply to everything in those route tables
 * and subnets, so give Lifeboat subnets of its own, or reuse existing endpoints.
 */
final class VpcEgress {
    private VpcEgress() {}

    /**
     * The function's network as its errors name it (the LIFEBOAT_NETWORK variable): a call that gets no answer is
     * reported as "no network path from <function> in <this> to <service>", not as a Lambda timeout.
     */
    static String describe(String vpcId, List<String> subnetIds, LifeboatConfig.Egress egress) {
        return vpcId + " subnets " + String.join(",", subnetIds) + " (egress: "
                + (egress == null || egress.mode() == LifeboatConfig.Egress.Kind.NAT ? "nat" : "endpoints") + ")";
    }

    /** What the endpoints of one function's VPC are for: the services, and the endpoint policies that narrow them. */
    record Need(List<String> services, Map<String, List<Policies.Statement>> policies) {}

    /** The VPC endpoints one function needs, created under {@code id}; none for {@code nat}. */
    static List<CfnVPCEndpoint> create(
            Construct scope,
            String id,
            LifeboatConfig.Egress egress,
            String region,
            String vpcId,
            List<String> subnetIds,
            List<String> functionSecurityGroups,
            Need need) {
        List<CfnVPCEndpoint> made = new ArrayList<>();
        if (egress == null || egress.mode() == LifeboatConfig.Egress.Kind.NAT) {
            return made;
        }
        List<String> interfaces = need.services().stream()
                .filter(s -> !s.equals("s3") && !egress.existing().containsKey(s))
                .toList();
        String endpointGroup = null;
        if (!interfaces.isEmpty()) {
            CfnSecurityGroup sg = CfnSecurityGroup.Builder.create(scope, id + "EndpointSecurityGroup")
                    .vpcId(vpcId)
                    .groupDescription("Lifeboat: the VPC endpoints of " + id + ", reachable from its function only")
                    .securityGroupIngress(functionSecurityGroups.stream()
                            .map(g -> CfnSecurityGroup.IngressProperty.builder()
                                    .ipProtocol("tcp")
                                    .fromPort(443)
                                    .toPort(443)
                                    .sourceSecurityGroupId(g)
                                    .description("HTTPS from the Lifeboat function")
                                    .build())
                            .toList())
                    .securityGroupEgress(List.of(CfnSecurityGroup.EgressProperty.builder()
                            .ipProtocol("icmp")
                            .fromPort(252)
                            .toPort(86)
                            .cidrIp("255.255.255.255/32")
                            .description("no egress: endpoints only answer")
                            .build()))
                    .build();
            endpointGroup = sg.getAttrGroupId();
        }
        if (need.services().contains("s3") && !egress.existing().containsKey("s3")) {
            made.add(CfnVPCEndpoint.Builder.create(scope, id + "S3Endpoint")
                    .vpcId(vpcId)
                    .serviceName("com.amazonaws." + region + ".s3")
                    .vpcEndpointType("Gateway")
                    .routeTableIds(egress.routeTableIds())
                    .policyDocument(policy(need, "s3"))
                    .build());
        }
        for (String service : interfaces) {
            CfnVPCEndpoint.Builder b = CfnVPCEndpoint.Builder.create(scope, id + endpointId(service) + "Endpoint")
                    .vpcId(vpcId)
                    .serviceName("com.amazonaws." + region + "." + service)
                    .vpcEndpointType("Interface")
                    .privateDnsEnabled(true)
                    .subnetIds(subnetIds)
                    .securityGroupIds(List.of(endpointGroup));
            if (need.policies().containsKey(service)) {
                b.policyDocument(policy(need, service));
            }
            made.add(b.build());
        }
        return made;
    }

    private static Object policy(Need need, String service) {
        List<Policies.Statement> statements = need.policies().get(service);
        return statements == null ? null : Iam.json(Policies.document(statements));
    }

    private static String endpointId(String service) {
        return switch (service) {
            case "secretsmanager" -> "SecretsManager";
            case "rds" -> "Rds";
            case "sts" -> "Sts";
            default -> service;
        };
    }
}
