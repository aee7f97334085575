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
