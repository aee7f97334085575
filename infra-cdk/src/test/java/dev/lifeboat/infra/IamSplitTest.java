package dev.lifeboat.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.iam.PolicyEvaluator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a statement naming hundreds of accounts' roles is larger than a managed policy may be (6,144
 * characters); split by its resources, its parts each fit and together allow exactly what it did.
 */
class IamSplitTest {
    private static final String PIPELINE = "arn:aws:iam::222222222222:role/lifeboat-snapshot-pipeline";

    private static String role(int i) {
        return String.format("arn:aws:iam::1%011d:role/lifeboat-source", i);
    }

    @Test
    void aStatementTooLargeForAManagedPolicy_splitsIntoPartsThatFit_allowingTheSameRoles() {
        List<String> roles =
                IntStream.range(0, 300).mapToObj(IamSplitTest::role).toList();
        var statement =
                new Policies.Statement("AssumeSourceRoles", "Allow", List.of("sts:AssumeRole"), roles, Map.of());
        assertThat(Policies.compactDocument(List.of(statement)).length()).isGreaterThan(Iam.MANAGED_AT_MOST);

        List<Policies.Statement> parts = Iam.split(List.of(statement));

        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts)
                .allSatisfy(p -> assertThat(Policies.compactDocument(List.of(p)).length())
                        .isLessThanOrEqualTo(Iam.MANAGED_AT_MOST));
        assertThat(parts).extracting(Policies.Statement::sid).doesNotHaveDuplicates();
        assertThat(parts.stream().flatMap(p -> p.resources().stream()).toList()).containsExactlyElementsOf(roles);
        // Evaluated: every part together allows each of the 300 roles, and no other.
        var documents = parts.stream()
                .map(p -> PolicyEvaluator.parse(Policies.compactDocument(List.of(p))))
                .toArray(com.fasterxml.jackson.databind.JsonNode[]::new);
        var policies = PolicyEvaluator.Policies.identityOnly("222222222222", documents);
        for (int i : List.of(0, 150, 299)) {
            assertThat(PolicyEvaluator.decide(
                            new PolicyEvaluator.Request(PIPELINE, "sts:AssumeRole", role(i)), policies))
                    .isEqualTo(PolicyEvaluator.Decision.ALLOW);
        }
        assertThat(PolicyEvaluator.decide(new PolicyEvaluator.Request(PIPELINE, "sts:AssumeRole", role(300)), policies))
                .isEqualTo(PolicyEvaluator.Decision.IMPLICIT_DENY);
    }

    @Test
    void aStatementThatFits_isLeftWhole() {
        var statement = new Policies.Statement("Small", "Allow", List.of("sts:AssumeRole"), List.of(role(1)), Map.of());
        assertThat(Iam.split(List.of(statement))).containsExactly(statement);
    }
}
