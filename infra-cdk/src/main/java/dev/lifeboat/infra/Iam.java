package dev.lifeboat.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.protocol.Policies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.constructs.Construct;

/**
 * The one way the CDK app writes a role's own permissions: the statements of {@link Policies}, attached as
 * an inline policy. The tests read the same statements; the app adds only CDK's grants that pair the vault
 * with its key (read, put) on top.
 */
final class Iam {
    private Iam() {}

    static Policy policy(Construct scope, String id, List<Policies.Statement> statements) {
        return Policy.Builder.create(scope, id)
                .document(PolicyDocument.fromJson(json(Policies.document(statements))))
                .build();
    }

    /**
     * What an inline policy of Lifeboat's may take of IAM's 10,240 characters for all of a role's inline policies
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), leaving room for CDK's grants.
     */
    static final int INLINE_AT_MOST = 6_000;

    /** What one managed policy of Lifeboat's may take of IAM's 6,144 characters for a managed policy. */
    static final int MANAGED_AT_MOST = 6_000;

    /**
     * Gives {@code role} the statements: inline while they fit {@link #INLINE_AT_MOST}; past it (a fleet's
     * accounts, issue 16), as customer managed policies {@code id}, {@code id2}, ..., each inside {@link
     * #MANAGED_AT_MOST}, statements kept whole.
     */
    static void attach(
            Construct scope,
            software.amazon.awscdk.services.iam.IRole role,
            String id,
            List<Policies.Statement> statements) {
        if (Policies.compactDocument(statements).length() <= INLINE_AT_MOST) {
            role.attachInlinePolicy(policy(scope, id, statements));
            return;
        }
        attachManaged(scope, role, id, statements);
    }

    /**
     * Gives {@code role} the statements as customer managed policies {@code id}, {@code id2}, ..., each inside {@link
     * #MANAGED_AT_MOST}: for statements that join a role's inline policy already near IAM's 10,240 characters.
     */
    static void attachManaged(
            Construct scope,
            software.amazon.awscdk.services.iam.IRole role,
            String id,
            List<Policies.Statement> statements) {
        List<List<Policies.Statement>> chunks = new java.util.ArrayList<>();
        List<Policies.Statement> current = new java.util.ArrayList<>();
        for (Policies.Statement st : split(statements)) {
            List<Policies.Statement> with = new java.util.ArrayList<>(current);
            with.add(st);
            if (!current.isEmpty() && Policies.compactDocument(with).length() > MANAGED_AT_MOST) {
                chunks.add(current);
                current = new java.util.ArrayList<>(List.of(st));
            } else {
                current = with;
            }
            if (Policies.compactDocument(List.of(st)).length() > MANAGED_AT_MOST) {
                throw new IllegalArgumentException("the statement " + st.sid() + " of " + id + " alone is larger than"
                        + " an IAM managed policy may be (6,144 characters): too many accounts for one deployment");
            }
        }
        chunks.add(current);
        for (int i = 0; i < chunks.size(); i++) {
            role.addManagedPolicy(
                    software.amazon.awscdk.services.iam.ManagedPolicy.Builder.create(scope, i == 0 ? id : id + (i + 1))
                            .document(PolicyDocument.fromJson(json(Policies.document(chunks.get(i)))))
                            .build());
        }
    }

    /**
     * The statements, each one too large for a managed policy split by its resources into parts that fit (a
     * statement's resources are alternatives, so its parts allow or deny exactly what it did): a fleet's hundreds
     * of accounts in one statement's resource list (issue 16).
     */
    static List<Policies.Statement> split(List<Policies.Statement> statements) {
        List<Policies.Statement> out = new java.util.ArrayList<>();
        for (Policies.Statement st : statements) {
            if (Policies.compactDocument(List.of(st)).length() <= MANAGED_AT_MOST
                    || st.resources().size() < 2) {
                out.add(st);
                continue;
            }
            List<String> part = new java.util.ArrayList<>();
            int n = 0;
            for (String resource : st.resources()) {
                part.add(resource);
                if (Policies.compactDocument(List.of(piece(st, n, part))).length() > MANAGED_AT_MOST
                        && part.size() > 1) {
                    part.removeLast();
                    out.add(piece(st, n++, part));
                    part = new java.util.ArrayList<>(List.of(resource));
                }
            }
            out.add(piece(st, n, part));
        }
        return out;
    }

    private static Policies.Statement piece(Policies.Statement st, int n, List<String> resources) {
        return new Policies.Statement(
                st.sid() + "Part" + (n + 1),
                st.effect(),
                st.actions(),
                List.copyOf(resources),
                st.condition(),
                st.principals());
    }

    static Map<String, Object> json(String document) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().readValue(document, Map.class);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
