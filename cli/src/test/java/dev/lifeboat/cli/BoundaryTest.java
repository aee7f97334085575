package dev.lifeboat.cli;

import dev.lifeboat.testing.Boundaries;
import org.junit.jupiter.api.Test;

/** This module wires adapters; it never calls AWS, JDBC or child processes itself. */
class BoundaryTest {
    @Test
    void onlyAdapters_touchAwsJdbcOrProcesses() {
        Boundaries.onlyAdaptersTouchAwsJdbcOrProcesses("dev.lifeboat.cli");
    }
}
