package dev.lifeboat.protocol;

import java.util.List;

/**
 * Every prefix and fixed name of the vault's keys, the one place they are spelled: the adapters and use cases
 * that write and read the vault build their keys from these, and the CDK app's bucket policies and grants name
 * the same, so a policy and the code that writes under it cannot disagree.
 *
 * <p>The layout, under the vault's own prefix:
 *
 * <pre>
 * accounts/&lt;account&gt;/dumps/&lt;db&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;dd&gt;/&lt;backup&gt;.&lt;attempt&gt;.&lt;ext&gt;   a dump's data (written by its account)
 * accounts/&lt;account&gt;/dumps/&lt;db&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;dd&gt;/&lt;backup&gt;.manifest.json     its manifest, written last
 * accounts/&lt;account&gt;/changes/&lt;db&gt;/&lt;lsn&gt;.segment.json, gaps/&lt;lsn&gt;.gap.json     PostgreSQL's change archive
 * accounts/&lt;account&gt;/binlog/&lt;db&gt;/start.json, &lt;file&gt;/&lt;pos&gt;.segment.json, gaps/  a binlog archive
 * shapes/&lt;db&gt;/&lt;snapshot&gt;.shape.json                                           an instance's shape (backup account)
 * restores/...                                                                   the restore log (backup account)
 * verifications/...                                                              verification reports (backup account)
 * </pre>
 *
 * Keys without {@code accounts/<account>/} in front are read too: dumps written before the spaces existed.
 */
public final class VaultKeys {
    /** The accounts' spaces: what production writes, each account under its own id. */
    public static final String ACCOUNTS = "accounts/";
    /** Logical dumps, in an account's space. */
    public static final String DUMPS = "dumps/";
    /** PostgreSQL change archives, in an account's space. */
    public static final String CHANGES = "changes/";
    /** MySQL and MariaDB binlog archives, in an account's space. */
    public static final String BINLOG = "binlog/";
    /** What production writes, each under {@code <root><db>/} of its own space. */
    public static final List<String> PRODUCTION_ROOTS = List.of(DUMPS, CHANGES, BINLOG);
    /** Instances' shapes, recorded by the backup account's snapshot runs. */
    public static final String SHAPES = "shapes/";
    /** The restore log. */
    public static final String RESTORES = "restores/";
    /** Verification reports. */
    public static final String VERIFICATIONS = "verifications/";

    /** A dump's manifest: the backup exists once it is written, last. */
    public static final String MANIFEST_SUFFIX = ".manifest.json";
    /** A shape record. */
    public static final String SHAPE_SUFFIX = ".shape.json";
    /** A segment's manifest, binlog's and change archive's alike: written once. */
    public static final String SEGMENT_SUFFIX = ".segment.json";
    /** The folder of an archive's gap marks, under {@code <root><db>/}. */
    public static final String GAPS = "gaps/";
    /** A gap's mark, binlog's and change archive's alike: written once. */
    public static final String GAP_SUFFIX = ".gap.json";
    /** Where a binlog archive begins, written once by its first streamer. */
    public static final String BINLOG_START = "start.json";

    private VaultKeys() {}

    /** An account's space: {@code accounts/<account>/}. The account is a checked 12-digit id. */
    public static String space(String account) {
        return ACCOUNTS + account + "/";
    }
}
