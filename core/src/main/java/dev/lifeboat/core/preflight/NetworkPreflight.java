package dev.lifeboat.core.preflight;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.AccessChecks;
import dev.lifeboat.core.preflight.Preflight.Check;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The network half of preflight: for every function that runs in a VPC, whether each of its subnets has a path to
 * each AWS service it calls, and whether its security groups let it out and the database's let it in. A path is a
 * VPC endpoint for the service (the S3 gateway endpoint in the subnet's route table; an interface endpoint with
 * private DNS in the VPC for the others), or a default route to a NAT gateway: a Lambda function gets no public
 * address, so an internet gateway route is no path (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html).
 */
final class NetworkPreflight {
    private NetworkPreflight() {}

    /** One function in a VPC: who, where, which services, which security groups, and the database it must reach. */
    record Function(
            String name,
            Location where,
            String vpcId,
            List<String> subnetIds,
            List<String> securityGroupIds,
            List<String> services,
            String databaseSecurityGroupId,
            int databasePort) {}

    static List<Function> functions(LifeboatConfig config) {
        Map<String, Function> out = new LinkedHashMap<>();
        for (LifeboatConfig.Database d : config.databases().values()) {
            LifeboatConfig.DumpSettings dump = d.dump();
            if (dump == null || dump.vpcId() == null) {
                continue;
            }
            Location where = new Location(d.source().account(), d.source().region());
            String key = where + "/" + dump.vpcId();
            Function previous = out.get(key);
            Set<String> subnets = new LinkedHashSet<>(previous == null ? List.of() : previous.subnetIds());
            subnets.addAll(dump.subnetIds());
            Set<String> groups = new LinkedHashSet<>(previous == null ? List.of() : previous.securityGroupIds());
            groups.addAll(dump.securityGroupIds());
            int port = dump.port() != null ? dump.port() : d.engine().defaultPort();
            out.put(
                    key,
                    new Function(
                            "the dump function in " + where + " (" + dump.vpcId() + ")",
                            where,
                            dump.vpcId(),
                            List.copyOf(subnets),
                            List.copyOf(groups),
                            List.of("s3", "secretsmanager"),
                            dump.databaseSecurityGroupId(),
                            port));
        }
        LifeboatConfig.Network net = config.backup().network();
        if (net != null) {
            out.put(
                    "backup",
                    new Function(
                            "the verification and restore functions in "
                                    + config.backup().location(),
                            config.backup().location(),
                            net.vpcId(),
                            net.subnetIds(),
                            net.securityGroupIds(),
                            List.of("s3", "rds", "sts", "secretsmanager"),
                            null,
                            0));
        }
        return List.copyOf(out.values());
    }

    static List<Check> check(AccessChecks access, Function f) {
        List<Check> out = new ArrayList<>();
        List<AccessChecks.SubnetRoutes> subnets;
        List<AccessChecks.Endpoint> endpoints;
        List<AccessChecks.SecurityGroup> groups;
        try {
            subnets = access.subnets(f.where(), f.subnetIds());
            endpoints = access.endpoints(f.where(), f.vpcId());
            groups = access.securityGroups(f.where(), f.securityGroupIds());
        } catch (RuntimeException e) {
            out.add(new Check("*", "the network of " + f.name(), false, "cannot describe it: " + e.getMessage()));
            return out;
        }
        for (String subnet : f.subnetIds()) {
            if (subnets.stream().noneMatch(s -> s.subnetId().equals(subnet))) {
                out.add(new Check("*", f.name() + ": subnet " + subnet, false, "not found in " + f.vpcId()));
            }
        }
        for (String service : f.services()) {
            List<String> without = new ArrayList<>();
            for (AccessChecks.SubnetRoutes s : subnets) {
                if (!reaches(service, s, endpoints)) {
                    without.add(s.subnetId());
                }
            }
            out.add(new Check(
                    "*",
                    f.name() + " reaches " + service,
                    without.isEmpty(),
                    without.isEmpty()
                            ? "ok"
                            : "no path from " + String.join(", ", without) + ": "
                                    + (service.equals("s3")
                                            ? "no S3 gateway endpoint in its route table, no default route to a NAT gateway"
                                            : "no " + service + " interface endpoint with private DNS in " + f.vpcId()
                                                    + ", no default route to a NAT gateway")
                                    + " (docs/deploy.md, Egress)"));
        }
        boolean https = groups.stream().flatMap(g -> g.egress().stream()).anyMatch(r -> r.covers(443));
        out.add(new Check(
                "*",
                f.name() + ": its security groups let HTTPS out",
                https,
                https ? "ok" : "no egress rule of " + f.securityGroupIds() + " covers port 443"));
        if (f.databaseSecurityGroupId() != null) {
            List<AccessChecks.SecurityGroup> db;
            try {
                db = access.securityGroups(f.where(), List.of(f.databaseSecurityGroupId()));
            } catch (RuntimeException e) {
                db = List.of();
            }
            boolean admitted = db.stream()
                    .flatMap(g -> g.ingress().stream())
                    .anyMatch(r -> r.covers(f.databasePort())
                            && r.peers().stream()
                                    .anyMatch(p -> f.securityGroupIds().contains(p) || p.contains("/")));
            out.add(new Check(
                    "*",
                    f.name() + ": the database's security group " + f.databaseSecurityGroupId() + " admits it on port "
                            + f.databasePort(),
                    admitted,
                    admitted
                            ? "ok"
                            : "no ingress rule on port " + f.databasePort() + " from " + f.securityGroupIds()
                                    + " (the CDK app adds it when dump.databaseSecurityGroupId is set and deployed)"));
        }
        return out;
    }

    private static boolean reaches(
            String service, AccessChecks.SubnetRoutes subnet, List<AccessChecks.Endpoint> endpoints) {
        boolean nat = subnet.routes().stream()
                .anyMatch(r -> r.destination().equals("0.0.0.0/0") && r.target().startsWith("nat-"));
        if (nat) {
            return true;
        }
        if (service.equals("s3")) {
            return endpoints.stream()
                    .anyMatch(e -> e.service().equals("s3")
                            && e.type().equalsIgnoreCase("Gateway")
                            && e.routeTableIds().contains(subnet.routeTableId()));
        }
        return endpoints.stream()
                .anyMatch(e -> e.service().equals(service) && e.type().equalsIgnoreCase("Interface") && e.privateDns());
    }
}
