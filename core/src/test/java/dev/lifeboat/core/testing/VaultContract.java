package dev.lifeboat.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.port.Vault;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@link Vault} port's contract, one suite for every implementation: the in-memory fake that the use cases'
 * tests run on (InMemoryVaultContractTest), the local directory (LocalDirectoryVaultContractTest) and S3 through
 * moto (S3VaultContractIT). Where the fake and an adapter disagree, the suite finds it, instead of a use case's test
 * passing on the fake's assumption.
 */
public abstract class VaultContract {
    /** An empty vault of the implementation under test. */
    protected abstract Vault vault();

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void putIfAbsent_writesOnce_andNeverReplaces() {
        Vault v = vault();
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);

        assertThat(v.putIfAbsent("dumps/a/m.manifest.json", first)).isTrue();
        assertThat(v.putIfAbsent("dumps/a/m.manifest.json", "second".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(v.read("dumps/a/m.manifest.json"))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(first));
    }

    @Test
    void readAndStat_ofAMissingKey_areEmpty() {
        Vault v = vault();

        assertThat(v.read("dumps/none/m.manifest.json")).isEmpty();
        assertThat(v.stat("dumps/none/x.pgdump", null)).isEmpty();
    }

    @Test
    void anEmptyObject_readsAsNoBytes() {
        Vault v = vault();
        v.putIfAbsent("dumps/a/empty.manifest.json", new byte[0]);

        assertThat(v.read("dumps/a/empty.manifest.json"))
                .hasValueSatisfying(b -> assertThat(b).isEmpty());
    }

    @Test
    void anObjectOverTheSmallObjectLimit_isRefusedByRead_unreadWhole() throws IOException {
        Vault v = vault();
        int limit = Math.toIntExact(Vault.SMALL_OBJECT_LIMIT);
        try (Vault.Upload u = v.startUpload("dumps/a/huge.manifest.json")) {
            u.stream().write(new byte[limit + 1]);
            u.complete();
        }
        try (Vault.Upload u = v.startUpload("dumps/a/atthelimit.manifest.json")) {
            u.stream().write(new byte[limit]);
            u.complete();
        }

        assertThatThrownBy(() -> v.read("dumps/a/huge.manifest.json"))
                .isInstanceOf(Vault.TooLarge.class)
                .hasMessageContaining("huge.manifest.json")
                .hasMessageContaining("larger than " + (Vault.SMALL_OBJECT_LIMIT >> 20) + " MiB");
        assertThat(v.read("dumps/a/atthelimit.manifest.json"))
                .hasValueSatisfying(b -> assertThat(b).hasSize(limit));
    }

    @Test
    void anUpload_isInvisibleUntilComplete_thenStreamsBackEveryByte_atTheVersionItReported() throws IOException {
        Vault v = vault();
        byte[] data = random(6 * 1024 * 1024 + 123, 7);
        Vault.StoredObject stored;
        try (Vault.Upload u = v.startUpload("dumps/a/2026/x.pgdump")) {
            OutputStream out = u.stream();
            out.write(data, 0, 1000);
            out.write(data, 1000, data.length - 1000);
            assertThat(v.stat("dumps/a/2026/x.pgdump", null))
                    .as("invisible before complete")
                    .isEmpty();
            assertThat(v.list("dumps/a/")).doesNotContain("dumps/a/2026/x.pgdump");
            stored = u.complete();
        }

        assertThat(stored.key()).isEqualTo("dumps/a/2026/x.pgdump");
        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(v.stat(stored.key(), stored.versionId()))
                .hasValueSatisfying(s -> assertThat(s.size()).isEqualTo(data.length));
        try (InputStream in = v.open(stored.key(), stored.versionId())) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void anAbortedUpload_leavesNothing() throws IOException {
        Vault v = vault();
        try (Vault.Upload u = v.startUpload("dumps/a/aborted.pgdump")) {
            u.stream().write(random(1024, 1));
            u.abort();
        }
        try (Vault.Upload u = v.startUpload("dumps/a/closed.pgdump")) {
            u.stream().write(random(1024, 2));
        }

        assertThat(v.stat("dumps/a/aborted.pgdump", null)).isEmpty();
        assertThat(v.stat("dumps/a/closed.pgdump", null)).isEmpty();
        assertThat(v.list("dumps/")).isEmpty();
    }

    @Test
    void list_givesTheKeysUnderAPrefix_inLexicographicOrder() {
        Vault v = vault();
        for (String k : new String[] {"dumps/b/2.json", "dumps/a/1.json", "dumps/b/1.json", "other/1.json"}) {
            v.putIfAbsent(k, k.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(v.list("dumps/")).containsExactly("dumps/a/1.json", "dumps/b/1.json", "dumps/b/2.json");
        assertThat(v.list("dumps/b/")).containsExactly("dumps/b/1.json", "dumps/b/2.json");
        assertThat(v.list("none/")).isEmpty();
    }
}
