package dev.lifeboat.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The domain and use cases talk to the outside world only through ports; adapters alone touch AWS, JDBC and processes. */
class LayeringTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.lifeboat.core");
    private static final String[] DOMAIN = {
        "dev.lifeboat.core.model..", "dev.lifeboat.core.port..", "dev.lifeboat.core.dump..",
        "dev.lifeboat.core.restore..", "dev.lifeboat.core.error..", "dev.lifeboat.core.stream.."
    };

    @Test
    void domainCode_neverImportsTheAwsSdk() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..")
                .check(CORE);
    }

    @Test
    void domainCode_neverImportsJdbcOrStartsProcesses() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
                .check(CORE);
    }

    @Test
    void domainCode_neverDependsOnAdapters() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage("dev.lifeboat.core.adapter..")
                .check(CORE);
    }
}
