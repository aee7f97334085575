package dev.lifeboat.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.Policies;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.organizations.CfnPolicy;
import software.constructs.Construct;

/**
 * The optional organization guard, deployed to the management account: one service control policy
 * ({@link Policies#organizationGuard}) attached to the backup account or its organizational unit. It binds the
 * backup account's administrators and root user, which the backup account's own policies cannot: they may not
 * delete or share Lifeboat's copies, change Lifeboat's roles, functions and schedules, or delete, disable or
 * re-police its keys and the vault's policy, unless they are the role the guard names for that
 * (docs/deploy.md, "The organization guard").
 */
public final class OrganizationStack extends Stack {
    static final String POLICY_NAME = "lifeboat-backup-account-guard";
    private static final ObjectMapper JSON = new ObjectMapper();

    public OrganizationStack(Construct scope, String id, StackProps props, LifeboatConfig config) {
        super(scope, id, props);
        LifeboatConfig.Organization org = config.organization();
        LifeboatConfig.Backup backup = config.backup();
        String document = Policies.compactDocument(Policies.organizationGuard(
                backup.account(), VaultUri.bucket(backup.vault()), backup.breakGlassRoleArn(), org.deployRoleArn()));
        Map<?, ?> content;
        try {
            content = JSON.readValue(document, Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        CfnPolicy.Builder.create(this, "BackupAccountGuard")
                .name(POLICY_NAME)
                .description("Lifeboat: only retention deletes copies, only restore shares them, only the deploy role"
                        + " changes Lifeboat, only break-glass with MFA changes its keys and vault")
                .type("SERVICE_CONTROL_POLICY")
                .content(content)
                .targetIds(org.targetIds())
                .build();
    }
}
