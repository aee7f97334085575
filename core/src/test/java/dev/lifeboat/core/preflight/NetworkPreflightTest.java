package dev.lifeboat.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.AccessChecks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of a network path, without AWS (PreflightCommandIT walks moto's EC2 with them). */
class NetworkPreflightTest {
    private static final Location HERE = new Location("111111111111", "eu-west-1");

    private static NetworkPreflight.Function dump(String dbGroup) {
        return new NetworkPreflight.Function(
                "the dump function",
                HERE,
                "vpc-1",
                List.of("subnet-1"),
                List.of("sg-fn"),
                List.of("s3", "secretsmanager"),
                dbGroup,
                5432);
    }

    private static AccessChecks network(
            List<AccessChecks.Route> routes,
            List<AccessChecks.Endpoint> endpoints,
            Map<String, AccessChecks.SecurityGroup> groups) {
        return new AccessChecks() {
            @Override
            public String reach(String account) {
                return null;
            }

            @Override
            public String keyManager(dev.lifeboat.core.model.Location where, String keyArn) {
                return null;
            }

            @Override
            public String describeKey(Location where, String keyArn) {
                return null;
            }

            @Override
            public Answer simulate(
                    String roleArn, String action, String resourceArn, Map<String, List<String>> context) {
                return new Answer(Decision.ALLOWED, null);
            }

            @Override
            public List<SubnetRoutes> subnets(Location where, List<String> subnetIds) {
                return List.of(new SubnetRoutes("subnet-1", "vpc-1", "rtb-1", routes));
            }

            @Override
            public List<Endpoint> endpoints(Location where, String vpcId) {
                return endpoints;
            }

            @Override
            public List<SecurityGroup> securityGroups(Location where, List<String> ids) {
                return ids.stream().filter(groups::containsKey).map(groups::get).toList();
            }
        };
    }

    private static final AccessChecks.SecurityGroup HTTPS_OUT = new AccessChecks.SecurityGroup(
            "sg-fn", List.of(), List.of(new AccessChecks.Rule(443, 443, List.of("0.0.0.0/0"))));

    private static List<String> failed(List<Preflight.Check> checks) {
        return checks.stream().filter(c -> !c.ok()).map(Preflight.Check::what).toList();
    }

    @Test
    void aNatRoute_reachesEverything() {
        var checks = NetworkPreflight.check(
                network(List.of(new AccessChecks.Route("0.0.0.0/0", "nat-1")), List.of(), Map.of("sg-fn", HTTPS_OUT)),
                dump(null));
        assertThat(failed(checks)).isEmpty();
    }

    /** A Lambda function gets no public address: an internet gateway route is no path. */
    @Test
    void anInternetGatewayRoute_isNoPath_forAFunction() {
        var checks = NetworkPreflight.check(
                network(List.of(new AccessChecks.Route("0.0.0.0/0", "igw-1")), List.of(), Map.of("sg-fn", HTTPS_OUT)),
                dump(null));
        assertThat(failed(checks))
                .containsExactly("the dump function reaches s3", "the dump function reaches secretsmanager");
    }

    @Test
    void anS3EndpointInAnotherRouteTable_orAnInterfaceEndpointWithoutPrivateDns_isNoPath() {
        var checks = NetworkPreflight.check(
                network(
                        List.of(),
                        List.of(
                                new AccessChecks.Endpoint("vpce-1", "s3", "Gateway", false, List.of("rtb-other")),
                                new AccessChecks.Endpoint("vpce-2", "secretsmanager", "Interface", false, List.of())),
                        Map.of("sg-fn", HTTPS_OUT)),
                dump(null));
        assertThat(failed(checks))
                .containsExactly("the dump function reaches s3", "the dump function reaches secretsmanager");
    }

    @Test
    void theDatabasesGroup_mustAdmitTheFunctionsGroup_onTheDatabasePort() {
        var admits = new AccessChecks.SecurityGroup(
                "sg-db", List.of(new AccessChecks.Rule(5432, 5432, List.of("sg-fn"))), List.of());
        var other = new AccessChecks.SecurityGroup(
                "sg-db", List.of(new AccessChecks.Rule(3306, 3306, List.of("sg-fn"))), List.of());
        List<AccessChecks.Route> nat = List.of(new AccessChecks.Route("0.0.0.0/0", "nat-1"));

        assertThat(failed(NetworkPreflight.check(
                        network(nat, List.of(), Map.of("sg-fn", HTTPS_OUT, "sg-db", admits)), dump("sg-db"))))
                .isEmpty();
        assertThat(failed(NetworkPreflight.check(
                        network(nat, List.of(), Map.of("sg-fn", HTTPS_OUT, "sg-db", other)), dump("sg-db"))))
                .containsExactly("the dump function: the database's security group sg-db admits it on port 5432");
    }
}
