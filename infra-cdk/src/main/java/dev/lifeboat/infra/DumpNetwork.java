package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.CfnSecurityGroup;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;

/**
 * Where a source account's dumps run: the databases' VPC, the subnets and security groups lifeboat.yml names for
 * them, or, where it names none, a security group of the dumps' own that lets out only HTTPS and the databases'
 * ports; and the databases' security groups admitting the dumps ({@link #admit}). Made in the source stack's own
 * scope, so its resources keep their logical ids.
 */
record DumpNetwork(
        IVpc vpc, List<ISubnet> subnets, List<ISecurityGroup> groups, List<String> subnetIds, List<String> groupIds) {
    static DumpNetwork create(Stack stack, List<LifeboatConfig.Database> dumped) {
        LifeboatConfig.DumpSettings first = dumped.getFirst().dump();
        var vpc = Vpc.fromVpcAttributes(
                stack,
                "DatabaseVpc",
                VpcAttributes.builder()
                        .vpcId(first.vpcId())
                        .availabilityZones(Fn.getAzs())
                        .build());
        List<ISubnet> subnets = new ArrayList<>();
        List<ISecurityGroup> groups = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (LifeboatConfig.Database d : dumped) {
            for (String s : d.dump().subnetIds()) {
                if (seen.add(s)) {
                    subnets.add(Subnet.fromSubnetId(stack, "Subnet-" + s, s));
                }
            }
            for (String g : d.dump().securityGroupIds()) {
                if (seen.add(g)) {
                    groups.add(SecurityGroup.fromSecurityGroupId(stack, "Sg-" + g, g));
                }
            }
        }
        List<String> subnetIds = dumped.stream()
                .flatMap(d -> d.dump().subnetIds().stream())
                .distinct()
                .toList();
        List<String> groupIds = dumped.stream()
                .flatMap(d -> d.dump().securityGroupIds().stream())
                .distinct()
                .toList();
        if (groupIds.isEmpty()) {
            // No security group configured: one of its own, that lets out only HTTPS (to AWS, through the NAT
            // gateway or the endpoints) and each database's port (to the database's group when it is named).
            List<CfnSecurityGroup.EgressProperty> out = new ArrayList<>();
            out.add(CfnSecurityGroup.EgressProperty.builder()
                    .ipProtocol("tcp")
                    .fromPort(443)
                    .toPort(443)
                    .cidrIp("0.0.0.0/0")
                    .description("HTTPS to the AWS APIs")
                    .build());
            Set<String> ports = new LinkedHashSet<>();
            for (LifeboatConfig.Database d : dumped) {
                int port =
                        d.dump().port() != null ? d.dump().port() : d.engine().defaultPort();
                String to = d.dump().databaseSecurityGroupId();
                if (ports.add(port + "/" + to)) {
                    var rule = CfnSecurityGroup.EgressProperty.builder()
                            .ipProtocol("tcp")
                            .fromPort(port)
                            .toPort(port)
                            .description("the database");
                    out.add((to != null ? rule.destinationSecurityGroupId(to) : rule.cidrIp("0.0.0.0/0")).build());
                }
            }
            CfnSecurityGroup own = CfnSecurityGroup.Builder.create(stack, "DumpFunctionSecurityGroup")
                    .vpcId(first.vpcId())
                    .groupDescription("Lifeboat: the dump function; HTTPS and the databases' ports out, nothing in")
                    .securityGroupEgress(out)
                    .build();
            groups.add(SecurityGroup.fromSecurityGroupId(stack, "Sg-own", own.getAttrGroupId()));
            groupIds = List.of(own.getAttrGroupId());
        }
        return new DumpNetwork(vpc, subnets, groups, subnetIds, groupIds);
    }

    /** The databases' security groups admit the dumps' groups, on their port, where lifeboat.yml names them. */
    void admit(Stack stack, List<LifeboatConfig.Database> dumped) {
        Set<String> rules = new LinkedHashSet<>();
        for (LifeboatConfig.Database d : dumped) {
            String dbGroup = d.dump().databaseSecurityGroupId();
            if (dbGroup == null) {
                continue;
            }
            int port = d.dump().port() != null ? d.dump().port() : d.engine().defaultPort();
            for (int i = 0; i < groupIds.size(); i++) {
                String fnGroup = groupIds.get(i);
                if (rules.add(dbGroup + "/" + fnGroup + "/" + port)) {
                    // The construct id counts the function's groups: an own group's id is known only at deploy.
                    CfnSecurityGroupIngress.Builder.create(
                                    stack, "DatabaseAdmitsDump-" + dbGroup + "-" + i + "-" + port)
                            .groupId(dbGroup)
                            .sourceSecurityGroupId(fnGroup)
                            .ipProtocol("tcp")
                            .fromPort(port)
                            .toPort(port)
                            .description("Lifeboat's dump function reaches the database")
                            .build();
                }
            }
        }
    }
}
