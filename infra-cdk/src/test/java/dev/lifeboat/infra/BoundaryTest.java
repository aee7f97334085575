package dev.lifeboat.infra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Issue 35: the CDK app builds infrastructure from the configuration and the contract (protocol: the vault's keys,
 * policies, names, limits); it runs no use case and reaches no adapter. Of core it reads only the configuration's
 * model and its values (core.config, core.model) and a digest (core.stream), so a bucket policy is spelled from
 * the same {@code VaultKeys} the writers use, never from a use case's internals.
 */
class BoundaryTest {
    private static final JavaClasses INFRA = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.lifeboat.infra..");

    @Test
    void theCdkApp_dependsOnNoUseCaseAdapterOrEntryPoint() {
        noClasses()
                .that()
                .resideInAPackage("dev.lifeboat.infra..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.lifeboat.adapters..",
                        "dev.lifeboat.backup..",
                        "dev.lifeboat.restore..",
                        "dev.lifeboat.cli..")
                .orShould()
                .dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "core classes outside core.config, core.model and core.stream",
                        c -> c.getPackageName().startsWith("dev.lifeboat.core")
                                && !c.getPackageName().startsWith("dev.lifeboat.core.config")
                                && !c.getPackageName().startsWith("dev.lifeboat.core.model")
                                && !c.getPackageName().startsWith("dev.lifeboat.core.stream")))
                .check(INFRA);
    }

    @Test
    void theCdkApp_callsNoAwsApiItself() {
        noClasses()
                .that()
                .resideInAPackage("dev.lifeboat.infra..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("software.amazon.awssdk..", "java.sql..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(ProcessBuilder.class.getName())
                .check(INFRA);
    }
}
