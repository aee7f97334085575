package dev.lifeboat.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
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

    /** The packages below the use cases: values, ports, errors, streams and the configuration's model. */
    private static final String[] BELOW_USE_CASES = {
        "dev.lifeboat.core.model..",
        "dev.lifeboat.core.port..",
        "dev.lifeboat.core.error..",
        "dev.lifeboat.core.stream..",
        "dev.lifeboat.core.config.."
    };

    /**
     * Every other package of core is a use case (dump, restore, snapshot, verify, audit, binlog, changes, fleet,
     * guard, preflight, shape, and any added later): none of the layers below may depend on one.
     */
    @Test
    void valuesAndPorts_neverDependOnUseCases() {
        noClasses()
                .that()
                .resideInAnyPackage(BELOW_USE_CASES)
                .should()
                .dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.lifeboat.core..")
                        .and(JavaClass.Predicates.resideOutsideOfPackages(BELOW_USE_CASES))
                        .as("a use case of core"))
                .check(CORE);
    }

    /** The rule above sees every use-case package there is, not a list someone keeps. */
    @Test
    void theUseCasePackages_areFoundNotListed() {
        java.util.Set<String> useCases = new java.util.TreeSet<>();
        CORE.stream()
                .filter(JavaClass.Predicates.resideOutsideOfPackages(BELOW_USE_CASES))
                .forEach(
                        c -> useCases.add(c.getPackageName().replaceFirst("^dev\\.lifeboat\\.core\\.([^.]+).*", "$1")));
        org.assertj.core.api.Assertions.assertThat(useCases)
                .contains("dump", "restore", "snapshot", "verify", "audit", "binlog", "changes", "fleet", "guard");
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
