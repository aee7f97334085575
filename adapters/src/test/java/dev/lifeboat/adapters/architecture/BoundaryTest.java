package dev.lifeboat.adapters.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.lifeboat.testing.Boundaries;
import org.junit.jupiter.api.Test;

/** Protocol, core, config and adapters: only the adapters touch AWS, JDBC or child processes. */
class BoundaryTest {
    @Test
    void onlyAdapters_touchAwsJdbcOrProcesses() {
        Boundaries.onlyAdaptersTouchAwsJdbcOrProcesses("dev.lifeboat");
    }

    /**
     * Issue 35: the adapters' packages form no cycle (aws and secrets did: AwsClients builds the secrets' adapters,
     * which took NetworkPaths from aws; NetworkPaths is in net now). By wildcard, so a package added is covered.
     */
    @Test
    void adapterPackages_formNoCycles() {
        slices().matching("dev.lifeboat.adapters.(*)..")
                .should()
                .beFreeOfCycles()
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.lifeboat.adapters.."));
    }
}
