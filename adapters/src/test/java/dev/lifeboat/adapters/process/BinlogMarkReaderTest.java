package dev.lifeboat.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.port.DumpTools;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The binlog position a MariaDB dump prints near its top is read as the output streams by, and only there. */
class BinlogMarkReaderTest {
    private static DumpTools.Running running(String output) {
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        return new DumpTools.Running() {
            @Override
            public InputStream output() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public OutputStream input() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public void awaitSuccess(Duration timeout) {}

            @Override
            public void kill() {}

            @Override
            public void close() {}
        };
    }

    private static DumpTools.Running read(String output) throws Exception {
        DumpTools.Running r = BinlogMarkReader.reading(running(output));
        try (InputStream in = r.output()) {
            byte[] passed = in.readAllBytes();
            assertThat(new String(passed, StandardCharsets.UTF_8))
                    .as("passed on unchanged")
                    .isEqualTo(output);
        }
        return r;
    }

    @Test
    void thePositionNearTheTop_isRead_andTheBytesPassUnchanged() throws Exception {
        DumpTools.Running r = read("""
                -- MariaDB dump 10.19
                --
                -- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000042', MASTER_LOG_POS=1234;
                CREATE TABLE t (id int);
                """);
        assertThat(r.binlogMark()).hasValueSatisfying(m -> {
            assertThat(m.file()).isEqualTo("binlog.000042");
            assertThat(m.position()).isEqualTo(1234);
        });
    }

    @Test
    void theSameTextInARowAfterTheFirstMiB_orInsideALongLine_isNotThePosition() throws Exception {
        String filler = "INSERT INTO t VALUES ('" + "x".repeat(1 << 20) + "');\n";
        assertThat(read(filler + "-- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000001', MASTER_LOG_POS=4;\n")
                        .binlogMark())
                .isEmpty();
        assertThat(read("INSERT INTO t VALUES ('\n-- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000001',"
                                + " MASTER_LOG_POS=4;x');\n")
                        .binlogMark())
                .as("a line that is more than the comment")
                .isEmpty();
        assertThat(read("-- CHANGE MASTER TO MASTER_LOG_FILE='../x', MASTER_LOG_POS=4;\n")
                        .binlogMark())
                .as("a file name no server makes")
                .isEmpty();
    }
}
