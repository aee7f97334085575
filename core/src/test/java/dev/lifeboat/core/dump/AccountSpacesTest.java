package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: each source account writes into its own space of the vault (the bucket policy's one statement for the
 * fleet lets an account write only under {@code accounts/<its account>/}), and every reader takes a database's
 * dumps only from its owner's space, so one production account cannot forge, hide or outdate another's backups.
 */
class AccountSpacesTest {
    private static final String ORDERS_ACCOUNT = "222222222222";
    private static final String OTHER_ACCOUNT = "333333333333";
    private static final Instant NOW = Instant.parse("2026-11-25T03:00:07Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryVault bucket = new InMemoryVault();
    private final FakeDumpTools tools = new FakeDumpTools();
    private final DatabaseTarget pg =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "app", "u", Secret.of("p"));

    private DumpManifest dump(Vault view, String db, String runId, String data) {
        tools.output = data.getBytes(StandardCharsets.UTF_8);
        return new TakingDump(view, new FakeInspector(), tools, clock, TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command(db, pg, runId, null))
                .manifest();
    }

    private static String read(Vault view, DumpManifest m) throws IOException {
        try (InputStream in = view.open(m.objectKey(), m.objectVersionId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDumpGoesIntoItsOwnersSpace_andReadsBackThroughTheView() throws IOException {
        Vault view = AccountSpaces.of(bucket, Map.of("orders", ORDERS_ACCOUNT));

        DumpManifest m = dump(view, "orders", "2026-11-25T03:00:00Z", "the orders");

        assertThat(m.objectKey()).startsWith("dumps/orders/2026/11/25/");
        assertThat(bucket.objects.keySet())
                .isNotEmpty()
                .allMatch(k -> k.startsWith("accounts/" + ORDERS_ACCOUNT + "/dumps/orders/2026/11/25/"));
        DumpManifest found = new BackupCatalog(view, clock).find("orders", "latest");
        assertThat(found).isEqualTo(m);
        assertThat(read(view, found)).isEqualTo("the orders");
        // The same run again finds it in the space: one backup, not two.
        assertThat(new TakingDump(view, new FakeInspector(), tools, clock, TakingDump.Settings.DEFAULTS)
                        .dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00Z", null))
                        .alreadyExisted())
                .isTrue();
    }

    @Test
    void dumpsWrittenBeforeTheSpaces_stillListAndRestore_besideTheNewOnes() throws IOException {
        DumpManifest old = dump(bucket, "orders", "2026-11-24T03:00:00Z", "before the spaces");
        clock.advance(Duration.ofMinutes(1));
        Vault view = AccountSpaces.of(bucket, Map.of("orders", ORDERS_ACCOUNT));
        DumpManifest now = dump(view, "orders", "2026-11-25T03:00:00Z", "in the space");

        BackupCatalog catalog = new BackupCatalog(view, clock);
        assertThat(catalog.backups("orders")).containsExactly(old, now);
        assertThat(read(view, catalog.find("orders", old.backupId()))).isEqualTo("before the spaces");
        assertThat(read(view, catalog.find("orders", "latest"))).isEqualTo("in the space");
        assertThat(catalog.databases()).containsExactly("orders");
    }

    @Test
    void anotherAccountsPlantedBackup_ofThisDatabase_isNeitherListedNorRead() throws IOException {
        Vault owners = AccountSpaces.of(bucket, Map.of("orders", ORDERS_ACCOUNT));
        DumpManifest real = dump(owners, "orders", "2026-11-24T03:00:00Z", "the real orders");
        // Account 3333 owns nothing called orders, but the fleet statement lets it write its own space: a newer,
        // complete, well-formed backup of "orders" there.
        Vault forger = AccountSpaces.of(bucket, Map.of("orders", OTHER_ACCOUNT));
        DumpManifest planted = dump(forger, "orders", "2026-11-25T03:00:00Z", "DROP TABLE orders");
        assertThat(bucket.objects.keySet()).anyMatch(k -> k.startsWith("accounts/" + OTHER_ACCOUNT + "/"));

        BackupCatalog catalog = new BackupCatalog(owners, clock);
        assertThat(catalog.backups("orders")).containsExactly(real);
        assertThat(read(owners, catalog.find("orders", "latest"))).isEqualTo("the real orders");
        assertThat(owners.read(VaultLayout.manifestKey("orders", new BackupId(planted.backupId()))))
                .isEmpty();
        assertThat(owners.list("")).noneMatch(k -> k.startsWith(dev.lifeboat.protocol.VaultKeys.ACCOUNTS));
        assertThat(owners.list("dumps/")).allMatch(k -> k.contains(real.backupId()));
        // Nor can a raw key into a space be asked for through the view.
        assertThatThrownBy(() -> owners.open("accounts/" + OTHER_ACCOUNT + "/" + planted.objectKey(), null))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void severalDatabasesOfSeveralAccounts_eachFromItsOwnersSpaceOnly() {
        Vault view = AccountSpaces.of(bucket, Map.of("orders", ORDERS_ACCOUNT, "users", OTHER_ACCOUNT));
        dump(view, "orders", "2026-11-25T03:00:00Z", "o");
        dump(view, "users", "2026-11-25T03:00:00Z", "u");
        // orders' account writes a "users" into its own space: not users'.
        dump(AccountSpaces.of(bucket, Map.of("users", ORDERS_ACCOUNT)), "users", "2026-11-25T04:00:00Z", "forged");

        BackupCatalog catalog = new BackupCatalog(view, clock);
        assertThat(catalog.databases()).containsExactly("orders", "users");
        assertThat(catalog.backups("users")).extracting(DumpManifest::backupId).containsExactly("20261125T030000Z");
        assertThat(view.list("dumps/u")).allMatch(k -> k.startsWith("dumps/users/2026/11/25/20261125T030000Z."));
    }

    @Test
    void withoutLifeboatYml_theOwnerIsTheOneAccountHoldingTheDatabase_andTwoAreRefusedByName() {
        dump(AccountSpaces.of(bucket, Map.of("orders", ORDERS_ACCOUNT)), "orders", "2026-11-25T03:00:00Z", "o");
        List<String> warnings = new ArrayList<>();

        Vault found = AccountSpaces.discovered(bucket, warnings::add);
        assertThat(new BackupCatalog(found, clock).backups("orders")).hasSize(1);
        assertThat(warnings).isEmpty();

        dump(AccountSpaces.of(bucket, Map.of("orders", OTHER_ACCOUNT)), "orders", "2026-11-25T04:00:00Z", "x");
        Vault ambiguous = AccountSpaces.discovered(bucket, warnings::add);
        assertThat(new BackupCatalog(ambiguous, clock).backups("orders")).isEmpty();
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("'orders'", ORDERS_ACCOUNT, OTHER_ACCOUNT, "--config", "accounts/ACCOUNT");
    }

    /** What a streamer in the source account writes, through the view it is given. */
    private static List<dev.lifeboat.core.changes.ChangeSegment> stream(Vault view, String db, int transactions) {
        var server = new dev.lifeboat.core.testing.FakeChangeServer();
        MutableClock streamClock = new MutableClock(NOW);
        server.clock = streamClock;
        DatabaseTarget source = new DatabaseTarget(
                DatabaseEngine.POSTGRESQL, "db", 5432, db, "u", dev.lifeboat.core.model.Secret.none());
        server.createSlot(source, dev.lifeboat.core.changes.StreamingChanges.slotName(db));
        for (int i = 0; i < transactions; i++) {
            server.transaction(2);
        }
        dev.lifeboat.core.testing.Archiving.untilArchived(view, server, db, source);
        return new dev.lifeboat.core.changes.ChangeArchive(view).segments(db);
    }

    @Test
    void aChangeArchive_goesIntoItsOwnersSpace_andAnotherAccountsPlantedSegmentsAreNeitherListedNorRead() {
        Vault owners = AccountSpaces.of(bucket, Map.of("orders", ORDERS_ACCOUNT));
        List<dev.lifeboat.core.changes.ChangeSegment> real = stream(owners, "orders", 3);
        assertThat(real).isNotEmpty();
        assertThat(bucket.objects.keySet())
                .isNotEmpty()
                .allMatch(k -> k.startsWith("accounts/" + ORDERS_ACCOUNT + "/changes/orders/"));

        // Another account's streamer, told that it archives "orders", writes a longer archive into its own space.
        List<dev.lifeboat.core.changes.ChangeSegment> planted =
                stream(AccountSpaces.of(bucket, Map.of("orders", OTHER_ACCOUNT)), "orders", 9);
        assertThat(planted).hasSizeGreaterThanOrEqualTo(real.size());
        assertThat(bucket.objects.keySet()).anyMatch(k -> k.startsWith("accounts/" + OTHER_ACCOUNT + "/changes/"));

        assertThat(new dev.lifeboat.core.changes.ChangeArchive(owners).segments("orders"))
                .containsExactlyElementsOf(real);
        assertThat(owners.list("changes/")).allMatch(k -> k.startsWith("changes/orders/"));
        assertThat(owners.list("")).noneMatch(k -> k.startsWith(dev.lifeboat.protocol.VaultKeys.ACCOUNTS));
        // Read without lifeboat.yml, two accounts holding "orders" is ambiguous: neither is read.
        List<String> warnings = new ArrayList<>();
        assertThat(new dev.lifeboat.core.changes.ChangeArchive(AccountSpaces.discovered(bucket, warnings::add))
                        .segments("orders"))
                .isEmpty();
        assertThat(warnings).singleElement().asString().contains("'orders'", ORDERS_ACCOUNT, OTHER_ACCOUNT);
    }

    @Test
    void aBinlogArchive_goesIntoItsOwnersSpaceToo() {
        Vault view = AccountSpaces.of(bucket, Map.of("ledger", ORDERS_ACCOUNT));
        assertThat(view.putIfAbsent("binlog/ledger/mysql-bin.000001/000000000004.segment.json", new byte[] {1}))
                .isTrue();
        assertThat(bucket.objects)
                .containsOnlyKeys(
                        "accounts/" + ORDERS_ACCOUNT + "/binlog/ledger/mysql-bin.000001/000000000004.segment.json");
        assertThat(view.list("binlog/ledger/"))
                .containsExactly("binlog/ledger/mysql-bin.000001/000000000004.segment.json");
        assertThat(AccountSpaces.of(bucket, Map.of("ledger", OTHER_ACCOUNT)).list("binlog/"))
                .isEmpty();
    }

    @Test
    void keysOutsideTheDumps_passThrough() {
        Vault view = AccountSpaces.of(bucket, Map.of("orders", ORDERS_ACCOUNT));
        assertThat(view.putIfAbsent("shapes/orders/x.shape.json", new byte[] {1}))
                .isTrue();
        assertThat(bucket.objects).containsKey("shapes/orders/x.shape.json");
        assertThat(view.read("shapes/orders/x.shape.json")).isPresent();
        assertThat(view.list("shapes/")).containsExactly("shapes/orders/x.shape.json");
    }

    @Test
    void anOwnerThatIsNotAnAccountId_isRefusedNamingTheField() {
        assertThatThrownBy(() -> AccountSpaces.of(bucket, Map.of("orders", "12345")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'12345'")
                .satisfies(
                        e -> assertThat(((InvalidInputException) e).describe()).contains("source.account"));
        assertThat(bucket.objects).isEmpty();
    }
}
