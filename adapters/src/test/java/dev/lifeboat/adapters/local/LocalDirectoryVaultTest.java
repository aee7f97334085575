package dev.lifeboat.adapters.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.port.Vault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryVaultTest {

    @Test
    void anAbortedUpload_leavesNoFile(@TempDir Path dir) throws IOException {
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        try (Vault.Upload upload = vault.startUpload("dumps/a/x.pgdump")) {
            upload.stream().write(new byte[1000]);
            // closed without complete(): an aborted attempt
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void anUploadIsInvisible_untilCompleted_thenReadOnly(@TempDir Path dir) throws IOException {
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        Vault.Upload upload = vault.startUpload("dumps/a/x.pgdump");
        upload.stream().write("data".getBytes(StandardCharsets.UTF_8));

        assertThat(vault.list("dumps/")).isEmpty();
        Vault.StoredObject stored = upload.complete();

        assertThat(stored.size()).isEqualTo(4);
        assertThat(vault.list("dumps/")).containsExactly("dumps/a/x.pgdump");
        assertThat(Files.getPosixFilePermissions(dir.resolve("dumps/a/x.pgdump")))
                .as("no write bits (root ignores them, every other user does not)")
                .doesNotContain(
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void putIfAbsent_neverReplacesAnObject(@TempDir Path dir) {
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        assertThat(vault.putIfAbsent("m.json", "first".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(vault.putIfAbsent("m.json", "second".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(new String(vault.read("m.json").orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("first");
        assertThat(vault.list("")).containsExactly("m.json");
    }

    @Test
    void keysCannotLeaveTheVault(@TempDir Path dir) {
        LocalDirectoryVault vault = new LocalDirectoryVault(dir.resolve("v"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vault.read("../outside"))
                .hasMessageContaining("leaves the vault");
    }
}
