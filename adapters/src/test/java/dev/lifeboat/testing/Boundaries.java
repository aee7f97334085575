package dev.lifeboat.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The one rule every module's architecture test applies to its own classes: only the adapters module
 * ({@code dev.lifeboat.adapters..}) uses the AWS SDK's service clients, JDBC or child processes.
 * Entry points (handlers, commands) wire adapters; they do not call AWS or databases themselves.
 */
public final class Boundaries {
    private Boundaries() {}

    /** Checks the production classes of {@code packages} (wildcards allowed, e.g. "dev.lifeboat.."). */
    public static void onlyAdaptersTouchAwsJdbcOrProcesses(String... packages) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // In a reactor build the other modules arrive as jars; their test-jars are not production code.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages(packages);
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.lifeboat.adapters..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "software.amazon.awssdk..", "java.sql..", "javax.sql..", "org.postgresql..", "org.mariadb..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(ProcessBuilder.class.getName())
                .check(classes);
    }
}
