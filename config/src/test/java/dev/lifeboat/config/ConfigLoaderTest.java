package dev.lifeboat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.testing.TestSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    static final String VALID = """
            backup:
              account: "222222222222"
              region: eu-central-1
              kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab
              vault: s3://acme-lifeboat-vault/lifeboat
              vaultRetentionDays: 1098
            databases:
              orders:
                engine: postgres
                source:
                  account: "111111111111"
                  region: eu-west-1
                  instance: orders-prod
                  roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                  externalId: lifeboat-orders
                  shareKmsKeyArn: arn:aws:kms:eu-west-1:111111111111:key/share
                retention: {daily: 7, weekly: 4, monthly: 12, yearly: 3}
                schedules:
                  snapshot: cron(0 3 * * ? *)
                  dump: rate(12 hours)
                dump:
                  secretArn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-AbCdEf
              ledger:
                engine: aurora-mysql
                source:
                  account: "111111111111"
                  region: eu-central-1
                  cluster: ledger-aurora
                  roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                  externalId: lifeboat-ledger
                snapshot: {mode: create}
                retention: {daily: 14}
            """;

    /**
     * Issue 41, tier 1: snapshots more often than daily. RDS takes its automated snapshot once a day, so copying it
     * hourly copies one snapshot 24 times; a manual snapshot of a Single-AZ instance suspends its I/O
     * (USER_CreateSnapshot), so an instance's sub-daily schedule needs the operator's word. Aurora's cluster
     * snapshots do not freeze I/O.
     */
    @Test
    void snapshotsMoreOftenThanDaily_needModeCreate_andForAnInstance_acceptIoFreeze() {
        String hourly = VALID.replace("snapshot: cron(0 3 * * ? *)", "snapshot: cron(5 * * * ? *)");
        assertThatThrownBy(() -> ConfigLoader.parse(hourly, "lifeboat.yml"))
                .hasMessageContaining("databases.orders.schedules.snapshot: cron(5 * * * ? *) runs up to 24 times a"
                        + " day, but snapshot.mode copy-automated copies RDS's automated snapshot")
                .hasMessageContaining("set databases.orders.snapshot.mode: create");

        String created = hourly.replace(
                "    retention: {daily: 7, weekly: 4, monthly: 12, yearly: 3}",
                "    snapshot: {mode: create}\n    retention: {daily: 7, weekly: 4, monthly: 12, yearly: 3}");
        assertThatThrownBy(() -> ConfigLoader.parse(created, "lifeboat.yml"))
                .hasMessageContaining("databases.orders.snapshot.acceptIoFreeze: cron(5 * * * ? *) makes up to 24"
                        + " manual snapshots a day of instance orders-prod")
                .hasMessageContaining("set acceptIoFreeze: true");

        LifeboatConfig accepted =
                ConfigLoader.parse(created.replace("{mode: create}\n", "{mode: create, acceptIoFreeze: true}\n"), "x");
        assertThat(accepted.database("orders").snapshot().acceptIoFreeze()).isTrue();

        // Aurora: a cluster snapshot freezes nothing; mode create is enough.
        String auroraHourly = VALID.replace(
                "retention: {daily: 14}", "retention: {daily: 14}\n    schedules: {snapshot: rate(1 hour)}");
        assertThat(ConfigLoader.parse(auroraHourly, "x")
                        .database("ledger")
                        .schedules()
                        .snapshot())
                .isEqualTo("rate(1 hour)");
        assertThatThrownBy(() -> ConfigLoader.parse(
                        created.replace("{mode: create}\n", "{mode: create, acceptIoFreeze: yes-please}\n"), "x"))
                .hasMessageContaining("databases.orders.snapshot.acceptIoFreeze: must be true or false");
    }

    /** Issue 11, item 6: a 35-day vault under a 3-year retention left most of the history to the bucket policy. */
    @Test
    void aVaultRetentionShorterThanTheLongestRetentionRule_isRefused_unlessAccepted() {
        String shortVault = VALID.replace("vaultRetentionDays: 1098", "vaultRetentionDays: 35");

        assertThatThrownBy(() -> ConfigLoader.parse(shortVault, "lifeboat.yml"))
                .hasMessageContaining("backup.vaultRetentionDays: 35 days is shorter than databases.orders.retention,"
                        + " which keeps backups for up to 1098 days")
                .hasMessageContaining("acceptShortVaultRetention: true");
        assertThat(ConfigLoader.parse(
                                shortVault.replace(
                                        "vaultRetentionDays: 35",
                                        "vaultRetentionDays: 35\n  acceptShortVaultRetention: true"),
                                "lifeboat.yml")
                        .backup()
                        .vaultRetentionDays())
                .isEqualTo(35);
    }

    @Test
    void readsAValidFile() {
        LifeboatConfig c = ConfigLoader.parse(VALID, "lifeboat.yml");

        assertThat(c.backup().account()).isEqualTo("222222222222");
        assertThat(c.databases()).containsOnlyKeys("orders", "ledger");
        assertThat(c.database("orders").engine()).isEqualTo(DatabaseEngine.POSTGRESQL);
        assertThat(c.database("orders").snapshot().mode())
                .isEqualTo(LifeboatConfig.SnapshotSettings.Mode.COPY_AUTOMATED);
        assertThat(c.database("ledger").source().kind()).isEqualTo(DbKind.CLUSTER);
        assertThat(c.database("ledger").retention()).isEqualTo(LifeboatConfig.Retention.of(14, 0, 0, 0));
        assertThat(c.database("orders").schedules().dump()).isEqualTo("rate(12 hours)");
    }

    @Test
    void everyBadField_isNamedWithItsPath_allAtOnce() {
        String bad = VALID.replace("engine: postgres", "engine: oracle")
                .replace("  account: \"222222222222\"\n", "")
                .replace("cron(0 3 * * ? *)", "every night")
                .replace("retention: {daily: 14}", "retention: {daily: 0}")
                .replace("      instance: orders-prod", "      instance: orders-prod\n      cluster: orders-cluster")
                .replace("      externalId: lifeboat-ledger", "      externalId: lifeboat-ledger\n      colour: blue");

        assertThatThrownBy(() -> ConfigLoader.parse(bad, "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lifeboat.yml has 6 errors")
                .hasMessageContaining("backup.account: is missing")
                .hasMessageContaining("databases.orders.engine: unknown engine 'oracle'")
                .hasMessageContaining(
                        "databases.orders.schedules.snapshot: 'every night' is not an EventBridge schedule")
                .hasMessageContaining("databases.ledger.retention: keeps nothing")
                .hasMessageContaining("databases.orders.source: give exactly one of 'instance'")
                .hasMessageContaining(
                        "databases.ledger.source.colour: unknown field; allowed here: [account, backupReplicationRegion, cluster,");
    }

    @Test
    void wrongShapes_areNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                        VALID.replace("\"111111111111\"\n      region: eu-west-1", "\"11111\"\n      region: europe"),
                        "f"))
                .hasMessageContaining("databases.orders.source.account: '11111' is not a 12-digit AWS account id")
                .hasMessageContaining("databases.orders.source.region: 'europe' is not an AWS Region");
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("daily: 7,", "daily: -1,"), "f"))
                .hasMessageContaining("databases.orders.retention.daily: '-1' must be a whole number from 0 to 1000");
        assertThatThrownBy(() -> ConfigLoader.parse("backup: [1, 2]\ndatabases: {}", "f"))
                .hasMessageContaining("backup: must be a mapping")
                .hasMessageContaining("databases: must map at least one database id");
        assertThatThrownBy(() -> ConfigLoader.parse("backup: {\n", "f")).hasMessageContaining("f is not valid YAML");
    }

    @Test
    void theAuditBlock_maxAge_andBackupReplicationRegion_areRead_withTheirDefaultsWhereAbsent() {
        LifeboatConfig plain = ConfigLoader.parse(VALID, "lifeboat.yml");
        assertThat(plain.audit()).isEqualTo(LifeboatConfig.Audit.DEFAULTS);
        assertThat(plain.database("orders").schedules().maxAge()).isEqualTo(java.time.Duration.ofHours(26));
        assertThat(plain.database("orders").source().backupReplicationRegion()).isNull();

        LifeboatConfig set = ConfigLoader.parse(
                VALID.replace("  dump: rate(12 hours)\n", "  dump: rate(12 hours)\n      maxAge: 13h\n")
                                .replace(
                                        "  shareKmsKeyArn: arn:aws:kms:eu-west-1:111111111111:key/share\n",
                                        "  shareKmsKeyArn: arn:aws:kms:eu-west-1:111111111111:key/share\n      backupReplicationRegion: eu-north-1\n")
                        + "audit: {schedule: rate(1 day), minBackupRetentionDays: 14, verifiedWithinDays: 3}\n",
                "lifeboat.yml");
        assertThat(set.audit()).isEqualTo(new LifeboatConfig.Audit("rate(1 day)", 14, 3));
        assertThat(set.database("orders").schedules().maxAge()).isEqualTo(java.time.Duration.ofHours(13));
        assertThat(set.database("orders").source().backupReplicationRegion()).isEqualTo("eu-north-1");
    }

    @Test
    void aBadAuditBlock_maxAge_orReplicationRegion_isNamedWithItsPath() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                        VALID.replace("  dump: rate(12 hours)\n", "  dump: rate(12 hours)\n      maxAge: a day\n")
                                        .replace(
                                                "  externalId: lifeboat-orders\n",
                                                "  externalId: lifeboat-orders\n      backupReplicationRegion: eu-nort-1\n")
                                + "audit: {schedule: every day, minBackupRetentionDays: 40, verifiedWithinDays: 0, often: true}\n",
                        "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("databases.orders.schedules.maxAge 'a day' is not a duration such as 26h")
                .hasMessageContaining("databases.orders.source.backupReplicationRegion: 'eu-nort-1' is not an AWS"
                        + " Region; did you mean eu-north-1?")
                .hasMessageContaining("audit.schedule: 'every day' is not an EventBridge schedule")
                .hasMessageContaining("audit.minBackupRetentionDays: 40 is more than RDS keeps")
                .hasMessageContaining("audit.verifiedWithinDays: must be at least 1")
                .hasMessageContaining("often");
    }

    @Test
    void aWindow_isReadAsADuration_andOneAsLongAsMaxAge_isRefused() {
        LifeboatConfig spread = ConfigLoader.parse(
                VALID.replace("  dump: rate(12 hours)\n", "  dump: rate(12 hours)\n      window: 3h\n"),
                "lifeboat.yml");
        assertThat(spread.database("orders").schedules().window()).isEqualTo(java.time.Duration.ofHours(3));
        assertThat(ConfigLoader.parse(VALID, "lifeboat.yml")
                        .database("orders")
                        .schedules()
                        .window())
                .isZero();
        assertThatThrownBy(() -> ConfigLoader.parse(
                        VALID.replace("  dump: rate(12 hours)\n", "  dump: rate(12 hours)\n      window: 30h\n"),
                        "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("databases.orders.schedules.window: 30 h is not shorter than maxAge (26 h)");
    }

    @Test
    void theDocumentedExample_isValid() {
        LifeboatConfig c = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));

        assertThat(c.databases()).containsOnlyKeys("orders", "ledger");
        assertThat(c.database("ledger").source().kind()).isEqualTo(DbKind.CLUSTER);
    }

    @Test
    void aMissingFile_saysWhichOne(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("lifeboat.yml")))
                .hasMessageContaining("lifeboat.yml does not exist")
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).contains("--config"));
    }

    @Test
    void anUnknownDatabase_listsTheConfiguredOnes() {
        assertThatThrownBy(() -> ConfigLoader.parse(VALID, "f").database("billing"))
                .hasMessage("database 'billing' is not in the configuration")
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).isEqualTo("configured: orders, ledger"));
    }

    /** The core's use-case tests build their settings as values; this keeps those values what lifeboat.yml gives. */
    @Test
    void theCoreTestSettings_areWhatTheirLifeboatYmlLoadsInto() {
        LifeboatConfig fromYaml = TestConfigs.orders();
        LifeboatConfig values = TestSettings.orders();

        assertThat(fromYaml.backup()).isEqualTo(values.backup());
        assertThat(fromYaml.databases()).isEqualTo(values.databases());
    }

    /** Regression (issue 10, item 6): a second databases.orders silently replaced the first. */
    @Test
    void aDuplicateKey_isRefused_namingItsLine() {
        String twice = VALID.replace(
                "  ledger:",
                "  orders:\n    engine: postgres\n    source: {account: \"111111111111\", region: eu-west-1,"
                        + " instance: orders-prod, roleArn: \"arn:aws:iam::111111111111:role/lifeboat-source\","
                        + " externalId: x1}\n    retention: {daily: 1}\n  ledger:");

        assertThatThrownBy(() -> ConfigLoader.parse(twice, "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the key 'orders' appears twice")
                .hasMessageContaining("(line ")
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).contains("merge the two blocks"));
    }

    @Test
    void aRegionTypo_isRefused_suggestingTheRegion() {
        assertThatThrownBy(() ->
                        ConfigLoader.parse(VALID.replace("region: eu-west-1", "region: eu-wset-1"), "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(
                        "databases.orders.source.region: 'eu-wset-1' is not an AWS Region; did you mean eu-west-1?");
        assertThatThrownBy(() -> ConfigLoader.parse(
                        VALID.replace("region: eu-central-1\n  kms", "region: mars-north-1\n  kms"), "x"))
                .hasMessageContaining("backup.region: 'mars-north-1' is not an AWS Region");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "cron(0 3 * * * *)|give ? in exactly one of day-of-month and day-of-week",
                "cron(0 3 ? * ? *)|give ? in exactly one of day-of-month and day-of-week",
                "cron(0 3 * * ?)|has 6 fields",
                "cron(60 3 * * ? *)|the minutes field '60'",
                "cron(0 24 * * ? *)|the hours field '24'",
                "cron(0 3 * 13 ? *)|the month field '13'",
                "cron(0 3 ? * 8 *)|the day-of-week field '8'",
                "rate(1 hours)|the unit is singular: rate(1 hour)",
                "rate(5 hour)|the unit is plural: rate(5 hours)",
                "rate(0 minutes)|a rate must be a positive number",
                "every day|use cron(M H DoM Mon DoW Y)",
                "cron(0 3 31 2 ? *)|it never fires: no month of '2' has day 31; use L for the last day",
                "cron(0 3 30-31 FEB ? *)|it never fires: no month of 'FEB' has day 30",
                "cron(0 3 31 4,6,9,11 ? *)|it never fires"
            })
    void aScheduleEventBridgeWouldRefuse_isRefused_sayingWhy(String expression, String why) {
        assertThatThrownBy(() -> ConfigLoader.parse(VALID.replace("rate(12 hours)", expression), "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(
                        "databases.orders.schedules.dump: '" + expression + "' is not an EventBridge schedule")
                .hasMessageContaining(why);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "cron(0 3 * * ? *)",
                "cron(15 2/6 ? * MON-FRI *)",
                "cron(0 0 L * ? *)",
                "cron(0 12 ? JAN,JUL 3#2 2027)",
                "cron(*/10 * * * ? *)",
                "cron(0 3 29 2 ? *)",
                "cron(0 3 31 1-3 ? *)",
                "cron(0 3 31 4/3 ? *)",
                "rate(1 day)",
                "rate(15 minutes)"
            })
    void schedulesEventBridgeAccepts_areAccepted(String expression) {
        assertThat(ConfigLoader.parse(VALID.replace("rate(12 hours)", expression), "lifeboat.yml")
                        .database("orders")
                        .schedules()
                        .dump())
                .isEqualTo(expression);
    }

    /** Found under the Lambda runtime harness: the snapshot step looped on "deleting intermediates" forever. */
    @Test
    void aBackupInTheSourcesOwnAccountAndRegion_isRefused() {
        String same = VALID.replace(
                "account: \"222222222222\"\n  region: eu-central-1", "account: \"111111111111\"\n  region: eu-west-1");

        assertThatThrownBy(() -> ConfigLoader.parse(same, "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("databases.orders.source: the backup account and Region (111111111111/eu-west-1)"
                        + " are the database's own");
    }

    /** Issue 11: the optional organization guard, with defaults that name the backup account and CDK's deploy role. */
    @Test
    void theOrganizationBlock_defaultsToTheBackupAccount_andCdksDeployRole() {
        LifeboatConfig c = ConfigLoader.parse(VALID + "organization: {managementAccount: \"000000000000\"}\n", "f");

        assertThat(c.organization().targetIds()).containsExactly("222222222222");
        assertThat(c.organization().deployRoleArn())
                .isEqualTo("arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-central-1");
        assertThat(ConfigLoader.parse(VALID, "f").organization()).isNull();
    }

    @Test
    void aBadOrganizationBlock_isRefused_namingEachField() {
        String bad = VALID + """
                organization:
                  managementAccount: "222222222222"
                  targetIds: [ou-oops, "ou-ab12-cd34ef56"]
                  deployRoleArn: deployer
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(bad, "f"))
                .hasMessageContaining("organization.managementAccount: 222222222222 is also the backup account")
                .hasMessageContaining("organization.targetIds: 'ou-oops' is not an account id")
                .hasMessageContaining("organization.deployRoleArn")
                .hasMessageNotContaining("ou-ab12-cd34ef56");
    }

    @Test
    void alarmSubscriberAccounts_areAccountIds() {
        String with = VALID.replace(
                "  vaultRetentionDays: 1098\n",
                "  vaultRetentionDays: 1098\n  alarmSubscriberAccounts: [\"333333333333\"]\n");
        assertThat(ConfigLoader.parse(with, "f").backup().alarmSubscriberAccounts())
                .containsExactly("333333333333");
        assertThatThrownBy(() -> ConfigLoader.parse(with.replace("\"333333333333\"", "333"), "f"))
                .hasMessageContaining("backup.alarmSubscriberAccounts: '333' is not an account id");
    }

    @Test
    void theBackupNetwork_isReadAndChecked() {
        String with = VALID.replace(
                "  vaultRetentionDays: 1098\n",
                "  vaultRetentionDays: 1098\n  network: {vpcId: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0],"
                        + " securityGroupIds: [sg-0123456789abcdef0], egress: nat}\n");
        assertThat(ConfigLoader.parse(with, "f").backup().network())
                .isEqualTo(LifeboatConfig.Network.builder()
                        .vpcId("vpc-0123456789abcdef0")
                        .subnetIds(java.util.List.of("subnet-0123456789abcdef0"))
                        .securityGroupIds(java.util.List.of("sg-0123456789abcdef0"))
                        .build());
        assertThatThrownBy(
                        () -> ConfigLoader.parse(with.replace("securityGroupIds: [sg-0123456789abcdef0], ", ""), "f"))
                .hasMessageContaining("backup.network: give subnetIds and securityGroupIds");
        assertThatThrownBy(() -> ConfigLoader.parse(with.replace("vpc-0123456789abcdef0", "vpc-x"), "f"))
                .hasMessageContaining("backup.network.vpcId");
        // Issue 13: the Fargate task's ephemeral storage, Fargate's 21 GiB unless set, within its 21..200.
        assertThat(ConfigLoader.parse(with, "f").backup().network().taskStorageGiB())
                .isEqualTo(21);
        assertThat(ConfigLoader.parse(with.replace("egress: nat}", "egress: nat, taskStorageGiB: 120}"), "f")
                        .backup()
                        .network()
                        .taskStorageGiB())
                .isEqualTo(120);
        for (String bad : java.util.List.of("20", "201", "big")) {
            assertThatThrownBy(() -> ConfigLoader.parse(
                            with.replace("egress: nat}", "egress: nat, taskStorageGiB: " + bad + "}"), "f"))
                    .hasMessageContaining(
                            "backup.network.taskStorageGiB: '" + bad + "' must be a whole number from 21" + " to 200");
        }
    }

    /** Issue 17: a function in a VPC must say how it reaches AWS; a silent default would time out at the first call. */
    @Test
    void aVpcWithoutEgress_isRefused_sayingTheTwoWays() {
        String network = VALID.replace(
                "  vaultRetentionDays: 1098\n",
                "  vaultRetentionDays: 1098\n  network: {vpcId: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0],"
                        + " securityGroupIds: [sg-0123456789abcdef0]}\n");
        assertThatThrownBy(() -> ConfigLoader.parse(network, "f"))
                .hasMessageContaining("backup.network.egress: is missing")
                .hasMessageContaining("nat")
                .hasMessageContaining("{mode: endpoints, routeTableIds: [rtb-...]}");
        String endpoints = network.replace(
                "securityGroupIds: [sg-0123456789abcdef0]}",
                "securityGroupIds: [sg-0123456789abcdef0], egress: {mode: endpoints, routeTableIds: [rtb-0123456789abcdef0],"
                        + " existing: {sts: vpce-0123456789abcdef0}}}");
        LifeboatConfig.Egress e =
                ConfigLoader.parse(endpoints, "f").backup().network().egress();
        assertThat(e.mode()).isEqualTo(LifeboatConfig.Egress.Kind.ENDPOINTS);
        assertThat(e.routeTableIds()).containsExactly("rtb-0123456789abcdef0");
        assertThat(e.existing()).containsEntry("sts", "vpce-0123456789abcdef0");
        assertThatThrownBy(() -> ConfigLoader.parse(endpoints.replace("sts: vpce", "ec2: vpce"), "f"))
                .hasMessageContaining("backup.network.egress.existing.ec2: not a service Lifeboat calls from a VPC");
        assertThatThrownBy(
                        () -> ConfigLoader.parse(endpoints.replace("routeTableIds: [rtb-0123456789abcdef0],", ""), "f"))
                .hasMessageContaining("backup.network.egress.routeTableIds");
    }

    /** Issue 38, item 6: a backup key in another Region than the backup's passed validation. */
    @Test
    void aBackupKeyOfAnotherRegion_isRefusedNamingBoth() {
        String otherRegion =
                VALID.replaceFirst("kmsKeyArn: arn:aws:kms:eu-central-1:", "kmsKeyArn: arn:aws:kms:eu-west-1:");
        org.assertj.core.api.Assertions.assertThat(otherRegion).isNotEqualTo(VALID);
        assertThatThrownBy(() -> ConfigLoader.parse(otherRegion, "lifeboat.yml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backup.kmsKeyArn")
                .hasMessageContaining("is a key of eu-west-1, not of the backup Region eu-central-1");
    }

    private static final String STREAMED_DUMP = """
            dump:
              secretArn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:lifeboat/orders-AbCdEf
              vpcId: vpc-0a1b2c3d4e5f60718
              subnetIds: [subnet-0a1b2c3d4e5f60718]
              egress: %s
              stream: %s
            """;

    /** Issues 40 and 41: the deployed streamer is asked for per database, beside its dumps. */
    @Test
    void aStream_isAskedForBesideTheDumps_withItsAlarmsDefaultedOrGiven() {
        assertThat(
                        TestConfigs.orders("", "", STREAMED_DUMP.formatted("nat", "true"))
                                .database("orders")
                                .dump()
                                .stream())
                .isEqualTo(LifeboatConfig.StreamSettings.DEFAULT);
        assertThat(
                        TestConfigs.orders("", "", STREAMED_DUMP.formatted("nat", "false"))
                                .database("orders")
                                .dump()
                                .stream())
                .isNull();
        assertThat(TestConfigs.orders(
                        "", "", STREAMED_DUMP.formatted("nat", "{lagAlarm: 5m, retainedWalAlarmMiB: 2048}"))
                        .database("orders")
                        .dump()
                        .stream())
                .isEqualTo(new LifeboatConfig.StreamSettings(java.time.Duration.ofMinutes(5), 2048L << 20));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "nat|yes please|databases.orders.dump.stream: 'yes please' is not true, false or {lagAlarm",
                "nat|[]|databases.orders.dump.stream: '[]' is not true, false or {lagAlarm",
                "nat|{lagAlarm: 30s}|databases.orders.dump.stream.lagAlarm '30s' is not a duration such as 26h",
                "nat|{lagAlarm: 1m}|databases.orders.dump.stream.lagAlarm: 1 min must be from 2m to 24h",
                "nat|{lagAlarm: 2d}|databases.orders.dump.stream.lagAlarm: 2 d must be from 2m to 24h",
                "nat|{retainedWalAlarmMiB: 1.5}|databases.orders.dump.stream.retainedWalAlarmMiB: '1.5' must be a whole",
                "nat|{retainedWalAlarmMiB: 0}|databases.orders.dump.stream.retainedWalAlarmMiB: '0' must be a whole",
                "nat|{lag: 5m}|databases.orders.dump.stream.lag: unknown field; allowed here: [lagAlarm, retainedWalAlarmMiB]",
                "\"{mode: endpoints, routeTableIds: [rtb-0123456789abcdef0]}\"|true|databases.orders.dump.stream: the"
                        + " streamer runs as an ECS Fargate service"
            })
    void aStreamSetWrong_isRefusedNamingTheFieldAndTheFix(String egress, String stream, String message) {
        assertThatThrownBy(() -> TestConfigs.orders("", "", STREAMED_DUMP.formatted(egress, stream)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }
}
