package dev.lifeboat.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * The backup account's key in a source Region, for the first hop of a two-step copy (the staging copy
 * in the source Region). Same protections as the backup key: rotation, RETAIN, and deletion or
 * disabling only by the break-glass role. Its ARN goes into snapshot.stagingKmsKeyArn.
 */
public final class RegionKeyStack extends Stack {
    private final Key key;

    public RegionKeyStack(Construct scope, String id, StackProps props, String breakGlassRoleArn) {
        super(scope, id, props);
        key = Key.Builder.create(this, "StagingKey")
                .alias("alias/lifeboat-staging")
                .description("Lifeboat: the backup account's key for staging copies in this Region")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("DenyKeyDeletionExceptBreakGlass")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"))
                .resources(List.of("*"))
                .conditions(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", breakGlassRoleArn)))
                .build());
    }

    public Key key() {
        return key;
    }
}
