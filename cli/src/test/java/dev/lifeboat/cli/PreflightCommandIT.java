package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * {@code lifeboat preflight} against moto: the calls it makes for real (assume the source role, describe the
 * database, describe the keys) answer as moto answers them; moto has no IAM policy simulation, and preflight says
 * so, check by check, rather than passing what it could not check (the simulation itself is tested against the
 * IAM model in PreflightTest).
 */
@ExtendWith(RealParts.class)
class PreflightCommandIT {
    @Test
    void reportsWhatItCouldCheck_andRefusesToCallReadyWhatItCouldNot(MotoServer moto, @TempDir Path dir)
            throws IOException {
        String db = "pf" + UUID.randomUUID().toString().substring(0, 6);
        String key;
        try (KmsClient kms = KmsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_CENTRAL_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            key = kms.createKey(b -> b.description("lifeboat preflight test"))
                    .keyMetadata()
                    .arn();
        }
        try (RdsClient rds = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            rds.createDBInstance(b -> b.dbInstanceIdentifier(db + "-prod")
                    .engine("postgres")
                    .dbInstanceClass("db.t4g.micro")
                    .allocatedStorage(20)
                    .masterUsername("admin")
                    .masterUserPassword("not-a-real-password-1"));
        }
        Path config = dir.resolve("lifeboat.yml");
        Files.writeString(config, """
                backup:
                  account: "123456789012"
                  region: eu-central-1
                  kmsKeyArn: %s
                  vaultRetentionDays: 1098
                databases:
                  %s:
                    engine: postgres
                    source:
                      account: "123456789012"
                      region: eu-west-1
                      instance: %s-prod
                      roleArn: arn:aws:iam::123456789012:role/lifeboat-source
                      externalId: lifeboat-%s
                    retention: {daily: 7}
                  gone:
                    engine: postgres
                    source:
                      account: "123456789012"
                      region: eu-west-1
                      instance: gone-%s
                      roleArn: arn:aws:iam::123456789012:role/lifeboat-source
                      externalId: lifeboat-gone
                    retention: {daily: 7}
                """.formatted(key, db, db, db, db));
        InProcessLifeboat cli = new InProcessLifeboat(moto.endpoint(), "eu-central-1");

        int code = cli.run("preflight", "--config", config.toString());

        assertThat(code).as(cli.err()).isEqualTo(1);
        assertThat(cli.out())
                .contains("ok   *            backup key " + key)
                .contains("ok   " + db)
                .contains("source instance " + db + "-prod in 123456789012/eu-west-1")
                .contains("FAIL gone         source instance gone-" + db + " in 123456789012/eu-west-1")
                .contains("IAM's policy simulation failed")
                .contains("not ready:");
    }

    /** A VPC with its subnet, route table and a security group letting HTTPS out; {@code configure} adds paths. */
    private record Net(String vpc, String subnet, String routeTable, String group) {}

    private static Net vpc(Ec2Client ec2, String cidr, boolean httpsOut) {
        String vpc = ec2.createVpc(b -> b.cidrBlock(cidr)).vpc().vpcId();
        String subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock(cidr.replace("/16", "/24")))
                .subnet()
                .subnetId();
        String rt = ec2.createRouteTable(b -> b.vpcId(vpc)).routeTable().routeTableId();
        ec2.associateRouteTable(b -> b.routeTableId(rt).subnetId(subnet));
        String sg = ec2.createSecurityGroup(
                        b -> b.vpcId(vpc).groupName("fn-" + UUID.randomUUID()).description("fn"))
                .groupId();
        // A new group lets everything out; the "bare" one keeps only port 5432 out.
        ec2.revokeSecurityGroupEgress(b -> b.groupId(sg)
                .ipPermissions(IpPermission.builder()
                        .ipProtocol("-1")
                        .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build())
                        .build()));
        ec2.authorizeSecurityGroupEgress(b -> b.groupId(sg)
                .ipPermissions(IpPermission.builder()
                        .ipProtocol("tcp")
                        .fromPort(httpsOut ? 443 : 5432)
                        .toPort(httpsOut ? 443 : 5432)
                        .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build())
                        .build()));
        return new Net(vpc, subnet, rt, sg);
    }

    /**
     * Issue 17: preflight also walks the network of each function in a VPC, against moto's EC2: one VPC with a NAT
     * route, one with endpoints (S3 gateway in the route table, Secrets Manager interface with private DNS), and one
     * with neither and no HTTPS out, whose every missing path is reported by name.
     */
    @Test
    void theNetworkPaths_ofEachDumpFunction_areCheckedAndEachMissingOneNamed(MotoServer moto, @TempDir Path dir)
            throws IOException {
        Net nat;
        Net endpoints;
        Net bare;
        try (Ec2Client ec2 = Ec2Client.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            nat = vpc(ec2, "10.10.0.0/16", true);
            Net natVpc = nat;
            String eip = ec2.allocateAddress(b -> b.domain("vpc")).allocationId();
            String gw = ec2.createNatGateway(b -> b.subnetId(natVpc.subnet()).allocationId(eip))
                    .natGateway()
                    .natGatewayId();
            ec2.createRoute(b -> b.routeTableId(natVpc.routeTable())
                    .destinationCidrBlock("0.0.0.0/0")
                    .natGatewayId(gw));
            endpoints = vpc(ec2, "10.20.0.0/16", true);
            Net epVpc = endpoints;
            ec2.createVpcEndpoint(b -> b.vpcId(epVpc.vpc())
                    .serviceName("com.amazonaws.eu-west-1.s3")
                    .vpcEndpointType("Gateway")
                    .routeTableIds(epVpc.routeTable()));
            ec2.createVpcEndpoint(b -> b.vpcId(epVpc.vpc())
                    .serviceName("com.amazonaws.eu-west-1.secretsmanager")
                    .vpcEndpointType("Interface")
                    .privateDnsEnabled(true)
                    .subnetIds(epVpc.subnet()));
            bare = vpc(ec2, "10.30.0.0/16", false);
        }
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        StringBuilder yaml = new StringBuilder("""
                backup:
                  account: "123456789012"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:123456789012:key/backup
                  vaultRetentionDays: 1098
                databases:
                """);
        for (var e : java.util.Map.of("nat", nat, "ep", endpoints, "bare", bare).entrySet()) {
            Net n = e.getValue();
            yaml.append("""
                      %s:
                        engine: postgres
                        source:
                          account: "123456789012"
                          region: eu-west-1
                          instance: %s-%s
                          roleArn: arn:aws:iam::123456789012:role/lifeboat-source
                          externalId: lifeboat-%s
                        retention: {daily: 7}
                        dump:
                          secretArn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:%s-AbCdEf
                          vpcId: %s
                          subnetIds: [%s]
                          securityGroupIds: [%s]
                          egress: nat
                    """.formatted(
                            e.getKey(), e.getKey(), suffix, e.getKey(), e.getKey(), n.vpc(), n.subnet(), n.group()));
        }
        Path config = dir.resolve("lifeboat.yml");
        Files.writeString(config, yaml.toString());
        InProcessLifeboat cli = new InProcessLifeboat(moto.endpoint(), "eu-central-1");

        cli.run("preflight", "--config", config.toString());

        String out = cli.out();
        String where = "the dump function in 123456789012/eu-west-1 (";
        for (Net good : List.of(nat, endpoints)) {
            assertThat(out)
                    .contains("ok   *            " + where + good.vpc() + ") reaches s3")
                    .contains("ok   *            " + where + good.vpc() + ") reaches secretsmanager")
                    .contains("ok   *            " + where + good.vpc() + "): its security groups let HTTPS out");
        }
        assertThat(out)
                .contains("FAIL *            " + where + bare.vpc() + ") reaches s3")
                .contains("no path from " + bare.subnet() + ": no S3 gateway endpoint in its route table")
                .contains("FAIL *            " + where + bare.vpc() + ") reaches secretsmanager")
                .contains("FAIL *            " + where + bare.vpc() + "): its security groups let HTTPS out");
    }
}
