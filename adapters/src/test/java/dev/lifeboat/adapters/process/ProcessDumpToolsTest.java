package dev.lifeboat.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.SoftwareVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 39: with the PostgreSQL client tools of several majors installed (Debian's {@code /usr/lib/postgresql/N/bin},
 * as in the container image), the tools are chosen by version at run time: a dump takes the nearest major at or
 * above the server's, a restore the nearest at or above the dump's writer. Each fake tool reports its folder's major.
 */
class ProcessDumpToolsTest {
    private static final DatabaseEngine PG = DatabaseEngine.POSTGRESQL;

    @Test
    void aDump_takesTheNearestMajorAtOrAboveTheServers(@TempDir Path root) throws IOException {
        ProcessDumpTools tools = new ProcessDumpTools(installed(root, 13, 15, 17));

        assertThat(tools.dumpTool(PG, v("13.16")).version().major()).isEqualTo(13);
        assertThat(tools.dumpTool(PG, v("14.12")).version().major()).isEqualTo(15);
        assertThat(tools.dumpTool(PG, v("15.8")).version().major()).isEqualTo(15);
        assertThat(tools.dumpTool(PG, v("16.4")).version().major()).isEqualTo(17);
        assertThat(tools.dumpTool(PG, v("11.22")).version().major())
                .as("an older server than every tool: the oldest tool, which dumps it")
                .isEqualTo(13);
        assertThat(tools.dumpTool(PG, v("18.1")).version().major())
                .as("none new enough: the newest, which the version check then refuses by name")
                .isEqualTo(17);
        assertThat(tools.dumpTool(PG).version().major())
                .as("no server version: the newest")
                .isEqualTo(17);
    }

    @Test
    void aRestore_takesTheNearestMajorAtOrAboveTheDumps_withPsqlOfTheSameRelease(@TempDir Path root)
            throws IOException {
        ProcessDumpTools tools = new ProcessDumpTools(installed(root, 13, 15, 17));

        assertThat(tools.loadTool(PG, v("15.8")).version().major()).isEqualTo(15);
        assertThat(tools.loadTool(PG, v("14.1")).version().major()).isEqualTo(15);
        assertThat(tools.loadTool(PG, v("17.2")).version().major()).isEqualTo(17);
    }

    @Test
    void aPinnedFolder_isUsedWhateverTheVersions(@TempDir Path root) throws IOException {
        Map<String, String> env = new java.util.HashMap<>(installed(root, 13, 15, 17));
        env.put("LIFEBOAT_PG_BIN", root.resolve("13/bin").toString());
        ProcessDumpTools tools = new ProcessDumpTools(env);

        assertThat(tools.dumpTool(PG, v("16.4")).version().major()).isEqualTo(13);
        assertThat(tools.loadTool(PG, v("17.2")).version().major()).isEqualTo(13);
    }

    @Test
    void aMajorWithoutTheTool_isPassedOver(@TempDir Path root) throws IOException {
        Map<String, String> env = installed(root, 15, 16, 17);
        Files.delete(root.resolve("16/bin/pg_restore"));
        ProcessDumpTools tools = new ProcessDumpTools(env);

        assertThat(tools.loadTool(PG, v("16.4")).version().major()).isEqualTo(17);
        assertThat(tools.dumpTool(PG, v("16.4")).version().major()).isEqualTo(16);
    }

    private static SoftwareVersion v(String s) {
        return SoftwareVersion.parse(s);
    }

    /** Debian's layout under {@code root}: each major's pg_dump, pg_restore and psql, reporting that major. */
    private static Map<String, String> installed(Path root, int... majors) throws IOException {
        for (int major : majors) {
            Path bin = Files.createDirectories(root.resolve(major + "/bin"));
            for (String tool : new String[] {"pg_dump", "pg_restore", "psql"}) {
                Path p = bin.resolve(tool);
                Files.writeString(p, "#!/bin/sh\necho '" + tool + " (PostgreSQL) " + major + ".3'\n");
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return Map.of(
                "LIFEBOAT_PG_ROOT",
                root.toString(),
                "PATH",
                root.resolve("nothing-here").toString());
    }
}
