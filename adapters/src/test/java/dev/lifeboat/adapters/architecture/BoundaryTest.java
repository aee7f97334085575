package dev.lifeboat.adapters.architecture;

import dev.lifeboat.testing.Boundaries;
import org.junit.jupiter.api.Test;

/** Protocol, core, config and adapters: only the adapters touch AWS, JDBC or child processes. */
class BoundaryTest {
    @Test
    void onlyAdapters_touchAwsJdbcOrProcesses() {
        Boundaries.onlyAdaptersTouchAwsJdbcOrProcesses("dev.lifeboat");
    }
}
