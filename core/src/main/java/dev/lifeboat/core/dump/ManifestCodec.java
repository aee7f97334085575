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
        DumpManifest sample = new DumpManifest(
                DumpManifest.CURRENT_VERSION,
                "20000101T000000Z",
                "warm-up",
                DatabaseEngine.POSTGRESQL,
                "0",
                "none",
                "0",
                "none",
                Instant.EPOCH,
                Instant.EPOCH,
                0,
                "",
                "k",
                null,
                0,
                List.of(new TableRowCount("s", "t", 0, true)));
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
