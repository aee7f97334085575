package dev.lifeboat.infra;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: a backup account stack, and a source account stack per source account and Region, all
 * from lifeboat.yml. {@code npx cdk synth} runs it (cdk.json), offline and without AWS credentials.
 */
public final class LifeboatApp {
    private LifeboatApp() {}

    public static void main(String[] args) {
        App app = new App();
        Object ctx = app.getNode().tryGetContext("config");
        String file = ctx != null ? ctx.toString() : System.getenv().getOrDefault("LIFEBOAT_CONFIG", "lifeboat.yml");
        build(
                app,
                ConfigLoader.load(Path.of(file)),
                Path.of("..").toAbsolutePath().normalize());
        app.synth();
    }

    /** Builds every stack of the configuration into {@code app}, with cdk-nag's AWS Solutions checks applied. */
    public static Stacks build(App app, LifeboatConfig config, Path repositoryRoot) {
        BackupAccountStack backup = new BackupAccountStack(
                app,
                "LifeboatBackup",
                props(config.backup().account(), config.backup().region()),
                config,
                repositoryRoot);
        boolean stackSets = config.sourceDeployment() == LifeboatConfig.SourceDeployment.STACKSETS;
        Set<String> places = new LinkedHashSet<>();
        config.databases().values().stream()
                // With a StackSet for the baseline, CDK stacks only where a dump function runs.
                .filter(d -> !stackSets || (d.dump() != null && d.dump().vpcId() != null))
                .forEach(d -> places.add(d.source().account() + "/" + d.source().region()));
        SourceStackSetStack stackSet = stackSets
                ? new SourceStackSetStack(
                        app,
                        "LifeboatSourceStackSet",
                        props(config.backup().account(), config.backup().region()),
                        config)
                : null;
        List<SourceAccountStack> sources = places.stream()
                .map(p -> {
                    String[] ar = p.split("/", 2);
                    return new SourceAccountStack(
                            app,
                            "LifeboatSource-" + ar[0] + "-" + ar[1],
                            props(ar[0], ar[1]),
                            config,
                            ar[0],
                            ar[1],
                            repositoryRoot);
                })
                .toList();
        // An account's first Region's stack makes its source role (IAM names are account-wide): deployed first.
        for (SourceAccountStack s : sources) {
            if (!stackSets) {
                String first = SourceAccountStack.firstRegion(config, s.getAccount());
                sources.stream()
                        .filter(o -> o != s
                                && o.getAccount().equals(s.getAccount())
                                && o.getRegion().equals(first))
                        .findFirst()
                        .ifPresent(s::addDependency);
            }
        }
        // The backup account's keys in the source Regions, for two-step copies.
        Set<String> regions = new LinkedHashSet<>();
        config.databases().values().forEach(d -> {
            if (!d.source().region().equals(config.backup().region())) {
                regions.add(d.source().region());
            }
        });
        List<RegionKeyStack> keys = regions.stream()
                .map(r -> new RegionKeyStack(
                        app,
                        "LifeboatBackupKey-" + r,
                        props(config.backup().account(), r),
                        config.backup().breakGlassRoleArn()))
                .toList();
        // The organization guard: Organizations is a global service, its endpoint is in us-east-1.
        OrganizationStack organization = config.organization() == null
                ? null
                : new OrganizationStack(
                        app,
                        "LifeboatOrganizationGuard",
                        props(config.organization().managementAccount(), "us-east-1"),
                        config);
        Aspects.of(app).add(new AwsSolutionsChecks());
        Suppressions.apply(backup, sources);
        return new Stacks(backup, sources, keys, organization, stackSet);
    }

    /**
     * {@code organization} is null when lifeboat.yml has no organization block; {@code sourceStackSet} unless
     * {@code sourceDeployment: stacksets}.
     */
    public record Stacks(
            BackupAccountStack backup,
            List<SourceAccountStack> sources,
            List<RegionKeyStack> regionKeys,
            OrganizationStack organization,
            SourceStackSetStack sourceStackSet) {}

    private static StackProps props(String account, String region) {
        return StackProps.builder()
                .env(Environment.builder().account(account).region(region).build())
                .terminationProtection(true)
                .build();
    }
}
