package dev.lifeboat.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.Mode;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.KeyPolicies;
import dev.lifeboat.protocol.Names;
import dev.lifeboat.protocol.Policies;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lifeboat preflight} against the IAM and KMS model of a deployment: the deployed policies pass; a
 * missing grant, each in its turn, is reported by name (the role, the action, the resource).
 */
class PreflightTest {
    private static final String PROD = TestSettings.PROD;
    private static final String BACKUP = TestSettings.BACKUP;
    private static final String SHARE = "arn:aws:kms:eu-west-1:111111111111:key/share";
    private final LifeboatConfig config = TestSettings.pipeline(BACKUP, Mode.CREATE, CopyStrategy.AUTO, SHARE);
    private final InMemoryRds rds = new InMemoryRds(Clock.systemUTC());
    private IamModel iam;

    @BeforeEach
    void deployed() {
        InMemoryRds.Key aws = rds.addKey(PROD, "eu-west-1", "aws-rds", true);
        rds.addKey(PROD, "eu-west-1", "share", false, BACKUP);
        rds.addKey(BACKUP, "eu-central-1", "backup", false);
        rds.addKey(BACKUP, "eu-west-1", "staging", false);
        rds.addDatabase(new Location(PROD, "eu-west-1"), "orders-prod", "postgres", aws.arn());
        iam = IamModel.deployed(config, IamModel.BackupRole.PIPELINE).withDefaultPoliciesFor(rds);
        rds.iam = iam;
    }

    private Preflight.Report run() {
        return new Preflight(iam.accessChecks(), rds).run(config);
    }

    @Test
    void theDeployedPolicies_passEveryCheck() {
        Preflight.Report r = run();

        assertThat(r.checks())
                .allSatisfy(
                        c -> assertThat(c.ok()).as(c.what() + ": " + c.detail()).isTrue());
        assertThat(r.clean()).isTrue();
        assertThat(r.checks())
                .extracting(Preflight.Check::what)
                .contains(
                        "assume arn:aws:iam::111111111111:role/lifeboat-source in 111111111111",
                        "the pipeline copies orders into the backup account",
                        "the pipeline may have RDS use " + SHARE,
                        "a restore of orders into account 111111111111 (share, then through"
                                + " arn:aws:iam::111111111111:role/lifeboat-source)");
    }

    @Test
    void aPipelineRoleWithoutTheShareKey_isReportedByKeyAndAction() {
        iam.role(
                Names.roleArn(BACKUP, Names.PIPELINE_ROLE),
                Policies.snapshotPipelineRole(
                        BACKUP,
                        config.backup().kmsKeyArn(),
                        List.of(config.database("orders").source().roleArn())));

        Preflight.Report r = run();

        assertThat(r.clean()).isFalse();
        String staging = config.database("orders").snapshot().stagingKmsKeyArn();
        assertThat(r.checks())
                .filteredOn(c -> !c.ok())
                .extracting(Preflight.Check::what)
                .containsExactlyInAnyOrder(
                        "share key " + SHARE + " from the backup account",
                        "the pipeline may have RDS use " + SHARE,
                        "the pipeline may have RDS use " + staging);
        assertThat(r.checks())
                .filteredOn(c -> c.what().equals("the pipeline may have RDS use " + SHARE))
                .singleElement()
                .satisfies(c -> assertThat(c.detail())
                        .contains("lifeboat-snapshot-pipeline is refused kms:Decrypt (IMPLICIT_DENY)"));
    }

    @Test
    void aRestoreRoleThatMayNotAssumeTheTargetsRole_isReported() {
        iam.role(
                Names.roleArn(BACKUP, Names.RESTORE_ROLE),
                Policies.restoreRole(BACKUP, config.backup().kmsKeyArn(), List.of()));

        assertThat(run().checks())
                .filteredOn(c -> !c.ok())
                .singleElement()
                .satisfies(c -> assertThat(c.detail())
                        .contains("sts:AssumeRole on arn:aws:iam::111111111111:role/lifeboat-source"));
    }

    @Test
    void aShareKeyWhosePolicyLeavesOutTheBackupAccount_isReported() {
        iam.key(SHARE, List.of(KeyPolicies.shareKey(PROD, BACKUP).getFirst()));

        assertThat(run().checks())
                .filteredOn(c -> !c.ok())
                .extracting(Preflight.Check::what)
                .containsExactly("share key " + SHARE + " from the backup account");
    }

    @Test
    void aMissingSourceDatabase_isReported() {
        rds.removeDatabase(new Location(PROD, "eu-west-1"), "orders-prod");
        assertThat(run().checks())
                .filteredOn(c -> !c.ok())
                .extracting(Preflight.Check::what)
                .containsExactly("source instance orders-prod in 111111111111/eu-west-1");
    }

    @Test
    void aSourceAccountLifeboatCannotReach_isReported_andNothingElseIsTriedThere() {
        iam.withoutCallerIn(PROD);

        assertThat(run().checks()).filteredOn(c -> !c.ok()).singleElement().satisfies(c -> {
            assertThat(c.what()).isEqualTo("assume arn:aws:iam::111111111111:role/lifeboat-source in 111111111111");
            assertThat(c.detail()).contains("AccessDenied");
        });
    }
}
