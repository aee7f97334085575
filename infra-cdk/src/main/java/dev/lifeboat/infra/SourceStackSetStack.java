package dev.lifeboat.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.config.LifeboatConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudformation.CfnStackSet;
import software.constructs.Construct;

/**
 * The source accounts' part as one CloudFormation StackSet (issue 16, {@code sourceDeployment: stacksets}): a
 * template with the role the backup account assumes, the share key and the incident rules ({@link
 * SourceAccountStack#baseline}), parameterised by the account's databases and external ids, and one stack instance
 * per source account and Region with that account's values. Self-managed permissions
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html): the backup
 * account holds AWSCloudFormationStackSetAdministrationRole, each source account
 * AWSCloudFormationStackSetExecutionRole trusting it. Service-managed, with {@code sourceOrganizationalUnitIds}
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html): the backup
 * account a delegated administrator, each instance the intersection of the OUs and its account. The template has no assets, so no source account needs CDK
 * bootstrapping for it; accounts that dump still get a CDK stack with the dump function.
 */
public final class SourceStackSetStack extends Stack {
    static final String DATABASE_ARNS = "DatabaseArns";
    static final String EXTERNAL_IDS = "ExternalIds";

    private final String templateBody;

    public SourceStackSetStack(Construct scope, String id, StackProps props, LifeboatConfig config) {
        super(scope, id, props);
        templateBody = baselineTemplate(config);
        boolean serviceManaged = !config.sourceOrganizationalUnitIds().isEmpty();
        Map<String, List<LifeboatConfig.Database>> places = new LinkedHashMap<>();
        config.databases()
                .values()
                .forEach(d -> places.computeIfAbsent(
                                d.source().account() + "/" + d.source().region(), k -> new ArrayList<>())
                        .add(d));
        List<CfnStackSet.StackInstancesProperty> instances = new ArrayList<>();
        places.forEach((place, here) -> {
            String account = here.getFirst().source().account();
            String region = here.getFirst().source().region();
            CfnStackSet.DeploymentTargetsProperty.Builder targets =
                    CfnStackSet.DeploymentTargetsProperty.builder().accounts(List.of(account));
            if (serviceManaged) {
                // The account, where it is in the OUs: an instance per account, with its own parameters.
                targets.organizationalUnitIds(config.sourceOrganizationalUnitIds())
                        .accountFilterType("INTERSECTION");
            }
            instances.add(CfnStackSet.StackInstancesProperty.builder()
                    .deploymentTargets(targets.build())
                    .regions(List.of(region))
                    .parameterOverrides(List.of(
                            CfnStackSet.ParameterProperty.builder()
                                    .parameterKey(DATABASE_ARNS)
                                    .parameterValue(
                                            String.join(",", SourceAccountStack.databaseArns(here, account, region)))
                                    .build(),
                            CfnStackSet.ParameterProperty.builder()
                                    .parameterKey(EXTERNAL_IDS)
                                    .parameterValue(String.join(",", SourceAccountStack.externalIds(here)))
                                    .build()))
                    .build());
        });
        CfnStackSet.Builder stackSet = CfnStackSet.Builder.create(this, "SourceAccounts")
                .stackSetName("lifeboat-source")
                .description("Lifeboat: the role the backup account "
                        + config.backup().account()
                        + " assumes, the share key and the incident rules, in each source account and Region")
                .permissionModel(serviceManaged ? "SERVICE_MANAGED" : "SELF_MANAGED")
                .capabilities(List.of("CAPABILITY_NAMED_IAM"))
                .templateBody(templateBody)
                .parameters(List.of(
                        CfnStackSet.ParameterProperty.builder()
                                .parameterKey(DATABASE_ARNS)
                                .parameterValue("none")
                                .build(),
                        CfnStackSet.ParameterProperty.builder()
                                .parameterKey(EXTERNAL_IDS)
                                .parameterValue("none")
                                .build()))
                .operationPreferences(CfnStackSet.OperationPreferencesProperty.builder()
                        .maxConcurrentPercentage(25)
                        .failureToleranceCount(0)
                        .regionConcurrencyType("PARALLEL")
                        .build())
                .stackInstancesGroup(instances);
        if (serviceManaged) {
            // Per-account parameters rule out automatic deployment to new accounts of the OUs.
            stackSet.callAs("DELEGATED_ADMIN")
                    .autoDeployment(CfnStackSet.AutoDeploymentProperty.builder()
                            .enabled(false)
                            .build());
        }
        stackSet.build();
    }

    /** The StackSet's template, as JSON. */
    public String templateBody() {
        return templateBody;
    }

    /**
     * The baseline synthesized on its own: an app of one stack, without the bootstrap version rule or assets (a
     * StackSet template is deployed as is), its account and Region CloudFormation's pseudo parameters.
     */
    static String baselineTemplate(LifeboatConfig config) {
        Stack stack = baselineStack(config);
        Object template = ((App) stack.getNode().getRoot())
                .synth()
                .getStackByName("LifeboatSourceBaseline")
                .getTemplate();
        try {
            return new ObjectMapper().writeValueAsString(template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The baseline as a stack of an app of its own, with cdk-nag's checks and the source stacks' suppressions. */
    static Stack baselineStack(LifeboatConfig config) {
        App app = new App();
        Stack stack = Stack.Builder.create(app, "LifeboatSourceBaseline")
                .synthesizer(new BootstraplessSynthesizer())
                .build();
        CfnParameter databases = CfnParameter.Builder.create(stack, DATABASE_ARNS)
                .type("CommaDelimitedList")
                .description("the ARNs of this account's and Region's databases that Lifeboat snapshots")
                .build();
        CfnParameter externalIds = CfnParameter.Builder.create(stack, EXTERNAL_IDS)
                .type("CommaDelimitedList")
                .description("the external ids the backup account assumes the role with")
                .build();
        LifeboatConfig.Database any = config.databases().values().iterator().next();
        SourceAccountStack.baseline(
                stack,
                Aws.ACCOUNT_ID,
                Aws.REGION,
                databases.getValueAsList(),
                externalIds.getValueAsList(),
                SourceAccountStack.roleName(any),
                config.backup().account(),
                config.backup().region(),
                config.backup().kmsKeyArn());
        software.amazon.awscdk.Aspects.of(app).add(new io.github.cdklabs.cdknag.AwsSolutionsChecks());
        Suppressions.source(stack);
        return stack;
    }
}
