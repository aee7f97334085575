package dev.lifeboat.core.dump;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.VaultKeys;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The vault as every use case sees it when dumps come from many accounts (issue 16): each source account writes
 * its databases' dumps into a space of its own, {@code accounts/<account>/dumps/<db>/...}, and the vault's bucket
 * policy grants that with one statement for the whole fleet, whose resource is
 * {@code accounts/${aws:PrincipalAccount}/dumps/*}: AWS, not the writer, decides whose space a write lands in.
 *
 * <p>Through this view the layout stays {@link VaultLayout}'s: a key {@code dumps/<db>/...} of a database whose
 * owner (its source account in lifeboat.yml) is known maps to {@code accounts/<owner>/dumps/<db>/...}; writes go
 * there, reads look there first and then at the key itself (dumps written before the spaces existed, which only
 * the database's own account could write). A database is only ever read from its owner's space: what another
 * account puts under its own space with this database's name is never listed nor read, so one production account
 * cannot forge, hide or outdate another's backups. The change archives the source accounts' streamers write
 * ({@code changes/<db>/}, {@code binlog/<db>/}) have spaces of their own the same way. Keys outside them (shape
 * records, the restore log,
 * verification reports: written by the backup account's roles) pass through unchanged.
 */
public final class AccountSpaces implements Vault {
    /**
     * What production writes, each under {@code <root><db>/}: the dumps, and the change archives (issue 41: a
     * PostgreSQL database's logical changes; issue 40: a MySQL or MariaDB server's binlog), which the streamers
     * deployed in the source accounts write.
     */
    static final List<String> ROOTS = VaultKeys.PRODUCTION_ROOTS;

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private final Vault base;
    private final Map<String, String> owners;

    private AccountSpaces(Vault base, Map<String, String> owners) {
        this.base = base;
        this.owners = Map.copyOf(owners);
    }

    /** The view for databases whose owners are known: database id to its source account (from lifeboat.yml). */
    public static AccountSpaces of(Vault base, Map<String, String> owners) {
        owners.forEach((db, account) -> {
            VaultLayout.requireDatabaseId(db);
            requireAccount(account);
        });
        return new AccountSpaces(base, owners);
    }

    /**
     * The view for a reader without lifeboat.yml (the command line given only {@code --vault}): the owner of each
     * database is the one account whose space holds its dumps. A database found in several accounts' spaces is
     * left out, with a warning that says how to choose: one of them was not written by its owner.
     */
    public static AccountSpaces discovered(Vault base, Consumer<String> warn) {
        Map<String, TreeSet<String>> found = new TreeMap<>();
        for (String key : base.list(VaultKeys.ACCOUNTS)) {
            String[] parts = key.split("/", 5);
            if (parts.length == 5 && ACCOUNT.matcher(parts[1]).matches() && ROOTS.contains(parts[2] + "/")) {
                found.computeIfAbsent(parts[3], db -> new TreeSet<>()).add(parts[1]);
            }
        }
        Map<String, String> owners = new LinkedHashMap<>();
        found.forEach((db, accounts) -> {
            if (!isDatabaseId(db)) {
                return;
            }
            if (accounts.size() == 1) {
                owners.put(db, accounts.first());
            } else {
                warn.accept("backups (dumps or change archives) named '" + db + "' are in the spaces of accounts "
                        + String.join(", ", accounts)
                        + " of " + base.describe() + ", and only one of them owns that database; they are left out."
                        + " Pass " + Param.CONFIG.flag() + " lifeboat.yml (which names its account), or "
                        + Param.VAULT.flag() + " "
                        + base.describe() + "/" + VaultKeys.ACCOUNTS + "ACCOUNT to read one account's space");
            }
        });
        return new AccountSpaces(base, owners);
    }

    /** The space of one account's dumps, relative to the vault's root. */
    public static String space(String account) {
        return VaultKeys.space(requireAccount(account));
    }

    private static String requireAccount(String account) {
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            throw new InvalidInputException(
                    "account '" + account + "' cannot own a space in the vault",
                    "give the database's source account as its 12-digit id (databases.<id>.source.account)");
        }
        return account;
    }

    private static boolean isDatabaseId(String db) {
        try {
            VaultLayout.requireDatabaseId(db);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /**
     * The owner of the database a key names, when the key is under one of the {@link #ROOTS} ({@code dumps/<db>/},
     * {@code changes/<db>/}, {@code binlog/<db>/}) and the owner is known.
     */
    private Optional<String> ownerOf(String key) {
        for (String root : ROOTS) {
            if (key.startsWith(root)) {
                int slash = key.indexOf('/', root.length());
                return slash < 0
                        ? Optional.empty()
                        : Optional.ofNullable(owners.get(key.substring(root.length(), slash)));
            }
        }
        return Optional.empty();
    }

    /** Where a key is written: its owner's space, or the key itself. */
    private String written(String key) {
        return ownerOf(key).map(a -> space(a) + key).orElse(key);
    }

    /** A key seen through this view: never a raw key of a space (those are reached only through their owners). */
    private static boolean visible(String rawKey) {
        return !rawKey.startsWith(VaultKeys.ACCOUNTS);
    }

    @Override
    public String describe() {
        return base.describe();
    }

    @Override
    public void checkWritable() {
        base.checkWritable();
    }

    @Override
    public Upload startUpload(String key) {
        Upload upload = base.startUpload(written(key));
        // The completed object is named as the caller named it: that is the key a manifest vouches for.
        return new Upload() {
            @Override
            public java.io.OutputStream stream() {
                return upload.stream();
            }

            @Override
            public StoredObject complete() {
                StoredObject done = upload.complete();
                return new StoredObject(key, done.versionId(), done.size());
            }

            @Override
            public void abort() {
                upload.abort();
            }

            @Override
            public void close() {
                upload.close();
            }
        };
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) {
        return base.putIfAbsent(written(key), content);
    }

    @Override
    public Optional<byte[]> read(String key) {
        Optional<String> owner = ownerOf(key);
        if (owner.isPresent()) {
            Optional<byte[]> inSpace = base.read(space(owner.get()) + key);
            if (inSpace.isPresent()) {
                return inSpace;
            }
        }
        return visible(key) ? base.read(key) : Optional.empty();
    }

    @Override
    public Optional<StoredObject> stat(String key, String versionId) {
        Optional<String> owner = ownerOf(key);
        if (owner.isPresent()) {
            // Data keys are unique to one attempt, so a key is in the space or outside it, never both.
            Optional<StoredObject> inSpace = base.stat(space(owner.get()) + key, null);
            if (inSpace.isPresent()) {
                return base.stat(space(owner.get()) + key, versionId)
                        .map(o -> new StoredObject(key, o.versionId(), o.size()));
            }
        }
        return visible(key) ? base.stat(key, versionId) : Optional.empty();
    }

    @Override
    public InputStream open(String key, String versionId) {
        Optional<String> owner = ownerOf(key);
        if (owner.isPresent() && base.stat(space(owner.get()) + key, null).isPresent()) {
            return base.open(space(owner.get()) + key, versionId);
        }
        if (!visible(key)) {
            throw new InvalidInputException(
                    "'" + key + "' is inside an account's space of " + base.describe(),
                    "name the backup by its database and id; Lifeboat reads each database from its owner's space");
        }
        return base.open(key, versionId);
    }

    @Override
    public List<String> list(String prefix) {
        TreeSet<String> out = new TreeSet<>();
        base.list(prefix).stream().filter(AccountSpaces::visible).forEach(out::add);
        Optional<String> owner = ownerOf(prefix);
        if (owner.isPresent()) {
            // One database's prefix: only its owner's space.
            base.list(space(owner.get()) + prefix)
                    .forEach(k -> out.add(k.substring(space(owner.get()).length())));
        } else {
            for (String root : ROOTS) {
                if (!prefix.startsWith(root) && !root.startsWith(prefix)) {
                    continue;
                }
                // Several databases: each account's space, keeping only the databases it owns.
                for (String account : new TreeSet<>(owners.values())) {
                    String space = space(account);
                    String within = prefix.length() > root.length() ? prefix : root;
                    for (String raw : base.list(space + within)) {
                        String key = raw.substring(space.length());
                        if (key.startsWith(prefix)
                                && ownerOf(key).filter(account::equals).isPresent()) {
                            out.add(key);
                        }
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}
