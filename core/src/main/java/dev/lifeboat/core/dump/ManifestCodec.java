package dev.lifeboat.core.dump;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.TableRowCount;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** Manifests as JSON: ISO-8601 times, unknown fields ignored so older readers accept newer manifests. */
public final class ManifestCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManifestCodec() {}

    /**
     * Builds Jackson's serializers for manifests ahead of need: the first write costs a few hundred
     * milliseconds of class loading, which a dump can spend while it streams.
     */
    public static void warmUp() {
        DumpManifest sample = DumpManifest.builder()
                .manifestVersion(DumpManifest.CURRENT_VERSION)
                .backupId("20000101T000000Z")
                .databaseId("warm-up")
                .engine(DatabaseEngine.POSTGRESQL)
                .serverVersion("0")
                .dumpTool("none")
                .dumpToolVersion("0")
                .format("none")
                .startedAt(Instant.EPOCH)
                .finishedAt(Instant.EPOCH)
                .sizeBytes(0)
                .sha256("")
                .objectKey("k")
                .exactRowCountThreshold(0)
                .tables(List.of(new TableRowCount("s", "t", 0, true)))
                .build();
        read(write(sample), "warm-up");
    }

    public static byte[] write(DumpManifest manifest) {
        try {
            return MAPPER.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write manifest JSON", e);
        }
    }

    public static DumpManifest read(byte[] json, String where) {
        try {
            return MAPPER.readValue(json, DumpManifest.class);
        } catch (IOException e) {
            throw new IllegalStateException("manifest at " + where + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
