package dev.lifeboat.core.stream;

import dev.lifeboat.core.error.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lifeboat's own work folders under java.io.tmpdir: made with a clear error, removed whole. */
public final class TempFolders {
    private static final Logger LOG = LoggerFactory.getLogger(TempFolders.class);

    private TempFolders() {}

    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new VaultException(
                    "cannot make a work folder in the temp folder: " + e.getMessage(),
                    "free space in the temp folder (java.io.tmpdir), then retry");
        }
    }

    /** Removes {@code folder} and everything in it; what cannot be removed is named in the log. */
    public static void deleteAll(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the work folder {}: {}", folder, e.getMessage());
        }
    }
}
