package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.TerraformPlan.Deletion;
import dev.lifeboat.core.guard.TerraformPlan.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 43: Pulumi's previews and CloudFormation's change sets are plans the guard reads beside Terraform's, in the
 * shapes their tools write (Pulumi's PreviewDigest; DescribeChangeSet's answer), and what it cannot read is refused.
 */
class OtherPlansTest {
    private static final String ARN = "arn:aws:rds:eu-west-1:111111111111:db:orders-prod";

    private static List<Deletion> read(String json) {
        return Plans.deletions(json.getBytes(StandardCharsets.UTF_8), "plan.json");
    }

    private static String step(String op, String urnName, String type, String oldOutputs, String newInputs) {
        String urn = "urn:pulumi:prod::shop::" + type + "::" + urnName;
        return "{\"op\": \"" + op + "\", \"urn\": \"" + urn + "\""
                + (oldOutputs == null
                        ? ""
                        : ", \"oldState\": {\"urn\": \"" + urn + "\", \"type\": \"" + type + "\", \"outputs\": "
                                + oldOutputs + "}")
                + (newInputs == null
                        ? ""
                        : ", \"newState\": {\"urn\": \"" + urn + "\", \"type\": \"" + type + "\", \"inputs\": "
                                + newInputs + "}")
                + "}";
    }

    private static String preview(String... steps) {
        return "{\"steps\": [" + String.join(",", steps) + "], \"changeSummary\": {\"delete\": 1}}";
    }

    private static final String ORDERS = "{\"identifier\": \"orders-prod\", \"arn\": \"" + ARN
            + "\", \"deletionProtection\": false, \"skipFinalSnapshot\": true, \"backupRetentionPeriod\": 7}";

    @Test
    void aPulumiDestroyPreview_deletesTheInstance_namedByItsIdentifierAccountAndRegion() {
        List<Deletion> d = read(preview(
                step("delete", "orders", PulumiPreview.INSTANCE, ORDERS, null),
                step("delete", "logs", "aws:s3/bucket:Bucket", "{\"bucket\": \"logs\"}", null),
                step("same", "vpc", "aws:ec2/vpc:Vpc", "{}", "{}")));

        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(Kind.INSTANCE);
            assertThat(x.identifier()).isEqualTo("orders-prod");
            assertThat(x.account()).isEqualTo("111111111111");
            assertThat(x.region()).isEqualTo("eu-west-1");
            assertThat(x.replacement()).isFalse();
            assertThat(x.skipFinalSnapshot()).isTrue();
            assertThat(x.deleteAutomatedBackups()).as("the provider's default").isTrue();
        });
    }

    @Test
    void aPulumiReplacement_inItsThreeSteps_isOneDeletionOfTheOldDatabase() {
        List<Deletion> d = read(preview(
                step("create-replacement", "orders", PulumiPreview.INSTANCE, ORDERS, "{}"),
                step("replace", "orders", PulumiPreview.INSTANCE, ORDERS, "{}"),
                step("delete-replaced", "orders", PulumiPreview.INSTANCE, ORDERS, null)));

        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.identifier()).isEqualTo("orders-prod");
            assertThat(x.replacement()).isTrue();
        });
    }

    @Test
    void aPulumiUpdateThatTurnsProtectionOrBackupsOff_countsAsDestructive_andOneThatDoesNot_doesNot() {
        String on = "{\"identifier\": \"orders-prod\", \"arn\": \"" + ARN
                + "\", \"deletionProtection\": true, \"backupRetentionPeriod\": 7}";
        List<Deletion> off = read(preview(step(
                "update",
                "orders",
                PulumiPreview.INSTANCE,
                on,
                "{\"deletionProtection\": false, \"backupRetentionPeriod\": 0}")));
        assertThat(off).singleElement().satisfies(x -> {
            assertThat(x.update()).isTrue();
            assertThat(x.weakens()).contains("deletionProtection = false", "backupRetentionPeriod = 0");
            assertThat(x.identifier()).isEqualTo("orders-prod");
        });

        List<Deletion> unknown = read(preview(step(
                "update",
                "orders",
                PulumiPreview.INSTANCE,
                on,
                "{\"deletionProtection\": \"04da6b54-80e4-46f7-96ec-b56ff0331ba9\"}")));
        assertThat(unknown)
                .singleElement()
                .satisfies(x -> assertThat(x.weakens()).contains("deletionProtection to be known after the update"));

        assertThat(read(preview(
                        step("update", "orders", PulumiPreview.INSTANCE, on, "{\"instanceClass\": \"db.r6g.large\"}"))))
                .isEmpty();
    }

    @Test
    void aPulumiDiscard_onlyForgetsTheResource_andIsNotADeletion() {
        assertThat(read(preview(step("discard", "orders", PulumiPreview.INSTANCE, ORDERS, null))))
                .isEmpty();
    }

    @Test
    void aClustersLastInstance_deletesTheCluster_butOneOfTwoDoesNot() {
        String a = "{\"identifier\": \"orders-1\", \"clusterIdentifier\": \"orders\"}";
        String b = "{\"identifier\": \"orders-2\", \"clusterIdentifier\": \"orders\"}";
        assertThat(read(preview(
                        step("delete", "one", PulumiPreview.CLUSTER_INSTANCE, a, null),
                        step("same", "two", PulumiPreview.CLUSTER_INSTANCE, b, b))))
                .isEmpty();
        assertThat(read(preview(
                        step("delete", "one", PulumiPreview.CLUSTER_INSTANCE, a, null),
                        step("delete", "two", PulumiPreview.CLUSTER_INSTANCE, b, null))))
                .hasSize(2)
                .allSatisfy(x -> {
                    assertThat(x.kind()).isEqualTo(Kind.CLUSTER);
                    assertThat(x.identifier()).isEqualTo("orders");
                });
    }

    @Test
    void whatAPulumiPreviewCannotSayWhole_isRefused_neverTakenForHarmless() {
        assertThatThrownBy(() -> read(preview(step("obliterate", "orders", PulumiPreview.INSTANCE, ORDERS, null))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("op \"obliterate\" is not one Lifeboat knows");
        assertThatThrownBy(() -> read(preview(step("delete", "orders", PulumiPreview.INSTANCE, null, null))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no oldState object");
        assertThatThrownBy(() -> read("{\"steps\": \"delete\", \"changeSummary\": {}}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("steps is STRING, not a list");
        assertThatThrownBy(() -> read("{\"steps\": [], \"steps\": ["
                        + step("delete", "o", PulumiPreview.INSTANCE, ORDERS, null) + "]}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("a key given twice");
        assertThatThrownBy(() -> read("{}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is not a plan Lifeboat reads");
        assertThatThrownBy(() -> read("[]"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is not a plan Lifeboat reads");
    }

    private static String changeSet(String... changes) {
        return "{\"ChangeSetId\": \"arn:aws:cloudformation:eu-west-1:111111111111:changeSet/cs/1\","
                + " \"StackId\": \"arn:aws:cloudformation:eu-west-1:111111111111:stack/shop/1\","
                + " \"StackName\": \"shop\", \"Status\": \"CREATE_COMPLETE\", \"Changes\": ["
                + String.join(",", changes) + "]}";
    }

    private static String change(String action, String type, String physical, String replacement, String extra) {
        return "{\"Type\": \"Resource\", \"ResourceChange\": {\"Action\": \"" + action + "\", \"LogicalResourceId\":"
                + " \"Db\", \"PhysicalResourceId\": \"" + physical + "\", \"ResourceType\": \"" + type + "\""
                + (replacement == null ? "" : ", \"Replacement\": \"" + replacement + "\"")
                + (extra == null ? "" : ", " + extra) + "}}";
    }

    @Test
    void aChangeSetThatRemovesOrReplacesAnInstance_deletesIt_inTheStacksAccountAndRegion() {
        List<Deletion> removed = read(changeSet(
                change("Remove", "AWS::RDS::DBInstance", "orders-prod", null, "\"PolicyAction\": \"Delete\""),
                change("Remove", "AWS::S3::Bucket", "logs", null, null)));
        assertThat(removed).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(Kind.INSTANCE);
            assertThat(x.identifier()).isEqualTo("orders-prod");
            assertThat(x.account()).isEqualTo("111111111111");
            assertThat(x.region()).isEqualTo("eu-west-1");
            assertThat(x.replacement()).isFalse();
        });
        for (String r : List.of("True", "Conditional")) {
            assertThat(read(changeSet(change("Modify", "AWS::RDS::DBCluster", "orders", r, null))))
                    .singleElement()
                    .satisfies(x -> {
                        assertThat(x.kind()).isEqualTo(Kind.CLUSTER);
                        assertThat(x.replacement()).isTrue();
                    });
        }
        assertThat(read(changeSet(change("Dynamic", "AWS::RDS::DBInstance", "orders-prod", null, null))))
                .as("an action CloudFormation cannot determine yet counts as the worst")
                .hasSize(1);
        assertThat(read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "False", null))))
                .isEmpty();
    }

    @Test
    void aChangeSetThatTurnsProtectionOff_orDoesNotShowToWhat_countsAsDestructive() {
        String details = "\"Details\": [{\"Target\": {\"Attribute\": \"Properties\", \"Name\": \"DeletionProtection\","
                + " \"RequiresRecreation\": \"Never\"}, \"Evaluation\": \"Static\"}]";
        String off =
                details + ", \"AfterContext\": \"{\\\"Properties\\\":{\\\"DeletionProtection\\\":\\\"false\\\"}}\"";
        String on = details + ", \"AfterContext\": \"{\\\"Properties\\\":{\\\"DeletionProtection\\\":\\\"true\\\"}}\"";

        assertThat(read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "False", off))))
                .singleElement()
                .satisfies(x -> assertThat(x.weakens()).isEqualTo("sets DeletionProtection = false"));
        assertThat(read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "False", details))))
                .singleElement()
                .satisfies(x -> assertThat(x.weakens()).contains("--include-property-values"));
        assertThat(read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "False", on))))
                .isEmpty();
        String retention = "\"Details\": [{\"Target\": {\"Attribute\": \"Properties\", \"Name\":"
                + " \"BackupRetentionPeriod\"}}], \"AfterContext\":"
                + " \"{\\\"Properties\\\":{\\\"BackupRetentionPeriod\\\":\\\"0\\\"}}\"";
        assertThat(read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "False", retention))))
                .singleElement()
                .satisfies(x -> assertThat(x.weakens()).contains("BackupRetentionPeriod = 0"));
    }

    @Test
    void aNestedStacksChanges_areNamed_neverTakenForHarmless() {
        assertThat(read(changeSet(change(
                        "Modify",
                        "AWS::CloudFormation::Stack",
                        "arn:aws:cloudformation:eu-west-1:111111111111:stack/shop-db/2",
                        "False",
                        "\"ChangeSetId\": \"arn:aws:cloudformation:eu-west-1:111111111111:changeSet/nested/3\""))))
                .singleElement()
                .satisfies(x -> assertThat(x.weakens()).contains("AWS::CloudFormation::Stack", "changeSet/nested/3"));
    }

    @Test
    void whatAChangeSetCannotSayWhole_isRefused() {
        assertThatThrownBy(() -> read(changeSet(change("Obliterate", "AWS::RDS::DBInstance", "x", null, null))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Action \"Obliterate\"");
        assertThatThrownBy(() -> read(changeSet().replace("\"Changes\": []", "\"Changes\": [], \"NextToken\": \"t\"")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("one page of the change set");
        assertThatThrownBy(() -> read(changeSet("{\"Type\": \"Resource\"}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no ResourceChange");
    }

    /**
     * The AWS Cloud Control (aws-native) provider: CloudFormation's types and property names, camel-cased. Its
     * instance and cluster are read as the classic provider's are; its data-less RDS types pass; any other RDS type
     * is refused.
     */
    @Test
    void theAwsNativeProvidersDatabases_areReadAsTheClassicOnes_andItsDatalessTypesPass() {
        String nativeOrders = "{\"dbInstanceIdentifier\": \"orders-prod\", \"dbInstanceArn\": \"" + ARN
                + "\", \"deletionProtection\": false, \"backupRetentionPeriod\": 7}";
        assertThat(read(preview(
                        step("delete", "orders", PulumiPreview.NATIVE_INSTANCE, nativeOrders, null),
                        step("delete", "subnets", "aws-native:rds:DbSubnetGroup", "{}", null),
                        step("delete", "params", "aws:rds/parameterGroup:ParameterGroup", "{}", null))))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.kind()).isEqualTo(Kind.INSTANCE);
                    assertThat(x.identifier()).isEqualTo("orders-prod");
                    assertThat(x.account()).isEqualTo("111111111111");
                    assertThat(x.region()).isEqualTo("eu-west-1");
                    assertThat(x.deleteAutomatedBackups())
                            .as("CloudFormation deletes them with it")
                            .isTrue();
                });
        String clusterArn = "arn:aws:rds:eu-west-1:111111111111:cluster:ledger-prod";
        String cluster = "{\"dbClusterIdentifier\": \"ledger-prod\", \"dbClusterArn\": \"" + clusterArn + "\"}";
        assertThat(read(preview(step("replace", "ledger", PulumiPreview.NATIVE_CLUSTER, cluster, "{}"))))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.kind()).isEqualTo(Kind.CLUSTER);
                    assertThat(x.identifier()).isEqualTo("ledger-prod");
                    assertThat(x.replacement()).isTrue();
                });
        // a cluster's members: deleting one of two leaves it serving; deleting both is the cluster's deletion
        String one = "{\"dbInstanceIdentifier\": \"ledger-1\", \"dbClusterIdentifier\": \"ledger-prod\","
                + " \"dbInstanceArn\": \"arn:aws:rds:eu-west-1:111111111111:db:ledger-1\"}";
        String two = one.replace("ledger-1", "ledger-2");
        assertThat(read(preview(
                        step("delete", "l1", PulumiPreview.NATIVE_INSTANCE, one, null),
                        step("same", "l2", PulumiPreview.NATIVE_INSTANCE, two, "{}"))))
                .isEmpty();
        assertThat(read(preview(
                        step("delete", "l1", PulumiPreview.NATIVE_INSTANCE, one, null),
                        step("delete", "l2", PulumiPreview.NATIVE_INSTANCE, two, null))))
                .hasSize(2)
                .allSatisfy(x -> {
                    assertThat(x.kind()).isEqualTo(Kind.CLUSTER);
                    assertThat(x.identifier()).isEqualTo("ledger-prod");
                });
        // an update that turns protection off
        String on = nativeOrders.replace("\"deletionProtection\": false", "\"deletionProtection\": true");
        assertThat(read(preview(step(
                        "update",
                        "orders",
                        PulumiPreview.NATIVE_INSTANCE,
                        on,
                        "{\"dbInstanceIdentifier\": \"orders-prod\", \"deletionProtection\": false}"))))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.identifier()).isEqualTo("orders-prod");
                    assertThat(x.weakens()).contains("deletionProtection = false");
                });
        // an RDS type Lifeboat does not know holds data for all it can tell
        assertThatThrownBy(() -> read(preview(step("delete", "shards", "aws-native:rds:DbShardGroup", "{}", null))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("an RDS type Lifeboat does not read");
    }

    /** helper-14's findings: each was allowed as "deletes no database"; each is now refused or counted. */
    @Test
    void whatTheHostileReviewFound_isRefusedOrCounted() {
        // aws-native's RDS types, and a type in another case
        assertThatThrownBy(() -> read(preview(step("delete", "orders", "aws-native:rds:DBInstance", ORDERS, null))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("an RDS type Lifeboat does not read");
        assertThatThrownBy(() -> read(preview(step("delete", "orders", "aws:rds/Instance:Instance", ORDERS, null))))
                .isInstanceOf(InvalidInputException.class);
        // a state whose type disagrees with its URN
        String urn = "urn:pulumi:prod::shop::aws:rds/instance:Instance::orders";
        assertThatThrownBy(() -> read("{\"steps\": [{\"op\": \"delete\", \"urn\": \"" + urn + "\", \"oldState\":"
                        + " {\"type\": \"aws:s3/bucket:Bucket\", \"outputs\": " + ORDERS + "}}]}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is not the URN's");
        // a change summary that counts deletions the steps do not show
        assertThatThrownBy(() -> read("{\"steps\": [], \"changeSummary\": {\"delete\": 1}}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("counts 1 deletions");
        // a string "false"
        assertThat(read(preview(step(
                        "update",
                        "orders",
                        PulumiPreview.INSTANCE,
                        "{\"identifier\": \"orders-prod\", \"deletionProtection\": true}",
                        "{\"deletionProtection\": \"false\"}"))))
                .singleElement()
                .satisfies(x -> assertThat(x.weakens()).contains("deletionProtection = false"));
        // the marks of two kinds of plan in one document
        assertThatThrownBy(() -> read("{\"format_version\": \"1.2\", \"steps\": []}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("more than one kind of plan");
        // Terraform's state, not a plan
        assertThatThrownBy(() -> read("{\"format_version\": \"1.0\", \"values\": {\"root_module\": {}}}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Terraform's state");
        // a change set still being made, a stack set or provisioned product removed, a lower-case replacement
        assertThatThrownBy(() -> read(changeSet().replace("CREATE_COMPLETE", "CREATE_IN_PROGRESS")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not CREATE_COMPLETE");
        for (String type :
                List.of("AWS::CloudFormation::StackSet", "AWS::ServiceCatalog::CloudFormationProvisionedProduct")) {
            assertThat(read(changeSet(change("Remove", type, "shop-db", null, null))))
                    .as(type)
                    .singleElement()
                    .satisfies(x -> assertThat(x.weakens()).contains("removes the " + type));
        }
        assertThatThrownBy(() -> read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "true", null))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Replacement \"true\"");
        assertThat(read(changeSet(change("Remove", "AWS::RDS::dbinstance", "orders-prod", null, null))))
                .hasSize(1);
        // protection turned off, shown by the contexts only
        String contexts = "\"BeforeContext\": \"{\\\"Properties\\\":{\\\"DeletionProtection\\\":\\\"true\\\"}}\","
                + " \"AfterContext\": \"{\\\"Properties\\\":{\\\"DeletionProtection\\\":\\\"false\\\"}}\"";
        assertThat(read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "False", contexts))))
                .singleElement()
                .satisfies(x -> assertThat(x.weakens()).isEqualTo("sets DeletionProtection = false"));
        // a key given twice inside an encoded context
        String twice = "\"AfterContext\": \"{\\\"Properties\\\":{\\\"DeletionProtection\\\":\\\"false\\\","
                + "\\\"DeletionProtection\\\":\\\"true\\\"}}\"";
        assertThatThrownBy(
                        () -> read(changeSet(change("Modify", "AWS::RDS::DBInstance", "orders-prod", "False", twice))))
                .isInstanceOf(InvalidInputException.class);
    }
}
