package dev.lifeboat.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core (domain, ports, use cases) talks to the world only through its ports. Every rule names
 * packages by wildcard, so a package added later is covered without editing this test.
 */
class LayeringTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.lifeboat.core");

    @Test
    void noCoreClass_touchesTheAwsSdkJdbcYamlOrChildProcesses() {
        noClasses()
                .that()
                .resideInAPackage("dev.lifeboat.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "software.amazon..",
                        "java.sql..",
                        "javax.sql..",
                        "org.postgresql..",
                        "org.mariadb..",
                        "com.fasterxml.jackson.dataformat..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(ProcessBuilder.class.getName())
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(Runtime.class.getName())
                .check(CORE);
    }

    @Test
    void noCoreClass_dependsOnAdaptersConfigLoadingOrEntryPoints() {
        noClasses()
                .that()
                .resideInAPackage("dev.lifeboat.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.lifeboat.adapters..",
                        "dev.lifeboat.config..",
                        "dev.lifeboat.backup..",
                        "dev.lifeboat.restore..",
                        "dev.lifeboat.cli..",
                        "dev.lifeboat.infra..")
                .check(CORE);
    }

    @Test
    void corePackages_formNoCycles() {
        slices().matching("dev.lifeboat.core.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void valuesAndPorts_neverDependOnUseCases() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.lifeboat.core.model..",
                        "dev.lifeboat.core.port..",
                        "dev.lifeboat.core.error..",
                        "dev.lifeboat.core.stream..",
                        "dev.lifeboat.core.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.lifeboat.core.dump..",
                        "dev.lifeboat.core.restore..",
                        "dev.lifeboat.core.snapshot..",
                        "dev.lifeboat.core.verify..")
                .check(CORE);
    }

    /** A build fact, not a convention: the core module's classpath has no SDK, JDBC driver or YAML library. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "software.amazon.awssdk.core.SdkClient",
                "org.postgresql.Driver",
                "org.mariadb.jdbc.Driver",
                "com.fasterxml.jackson.dataformat.yaml.YAMLFactory"
            })
    void theCoreClasspath_lacks(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }
}
