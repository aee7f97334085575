package dev.lifeboat.core.changes;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.protocol.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The preflight of a PostgreSQL change archive (issue 41: {@code lifeboat preflight --source}): before a streamer
 * runs, whether the server lets it read the database safely, and what logical decoding would leave out, named per
 * table. Reads only: no slot is made, nothing is written. The streamer refuses at start what fails here; what is
 * noted here it archives without (a restore to a moment brings those tables back as the dump held them).
 */
public final class CheckingStream {
    /** How a finding bears on the archive: fine, carried with a limit the operator must know, or no stream at all. */
    public enum Verdict {
        OK,
        NOTE,
        FAIL
    }

    public record Finding(String what, Verdict verdict, String detail) {}

    public record Report(String databaseId, List<Finding> findings) {
        public boolean streamable() {
            return findings.stream().noneMatch(f -> f.verdict() == Verdict.FAIL);
        }
    }

    private final ChangeFeed feed;

    public CheckingStream(ChangeFeed feed) {
        this.feed = feed;
    }

    public Report check(String databaseId, DatabaseTarget source) {
        List<Finding> out = new ArrayList<>();
        ChangeFeed.Server server = feed.server(source);
        if (server.inRecovery()) {
            boolean decodes = !server.standbyWithoutDecoding();
            out.add(new Finding(
                    "a standby (in recovery), PostgreSQL " + server.version(),
                    decodes ? Verdict.NOTE : Verdict.FAIL,
                    decodes
                            ? "logical decoding on a standby needs hot_standby_feedback=on and a primary that keeps"
                                    + " the catalog rows the slot needs; the primary is the simpler source"
                            : "logical decoding runs on the primary only before PostgreSQL 16: point "
                                    + Param.SOURCE.flag()
                                    + " at the primary (on RDS the instance itself, not a read replica)"));
        }
        boolean logical = "logical".equals(server.walLevel());
        out.add(new Finding(
                "wal_level is " + server.walLevel(),
                logical ? Verdict.OK : Verdict.FAIL,
                logical
                        ? "logical decoding is on"
                        : "logical decoding needs wal_level=logical: on RDS set rds.logical_replication=1 in the DB"
                                + " parameter group and reboot; elsewhere start the server with wal_level=logical"));
        boolean bounded = server.maxSlotWalKeepSizeMb() >= 0;
        out.add(new Finding(
                "max_slot_wal_keep_size is " + (bounded ? server.maxSlotWalKeepSizeMb() + " MB" : "unlimited (-1)"),
                bounded ? Verdict.OK : Verdict.FAIL,
                bounded
                        ? "past it the server gives Lifeboat's slot up (a gap in the archive) and production keeps its"
                                + " disk"
                        : "a slot whose reader stops would keep WAL until production's disk fills: set it (e.g."
                                + " 10240, in MB, in the DB parameter group)"));
        ChangeFeed.Readiness r = feed.readiness(source);
        if (r.idleSlotTimeout() != null) {
            boolean off = r.idleSlotTimeout().startsWith("0");
            out.add(new Finding(
                    "idle_replication_slot_timeout is " + r.idleSlotTimeout(),
                    off ? Verdict.OK : Verdict.NOTE,
                    off
                            ? "slots are not given up for idling"
                            : "the server gives up a slot no one reads for that long: a streamer down longer than it"
                                    + " leaves a gap that only a new dump closes"));
        }
        out.add(new Finding(
                "a replication connection as " + source.user(),
                r.replicationRefused() == null ? Verdict.OK : Verdict.FAIL,
                r.replicationRefused() == null
                        ? "opens (pg_hba.conf and the REPLICATION attribute allow it)"
                        : r.replicationRefused() + "; " + replicationFix(r.replicationRefused(), source)));
        String slot = StreamingChanges.slotName(databaseId);
        Optional<ChangeFeed.Slot> mine = feed.slot(source, slot);
        if (mine.isPresent()) {
            ChangeFeed.Slot s = mine.get();
            boolean ours = "wal2json".equals(s.plugin()) && source.database().equals(s.database());
            out.add(new Finding(
                    "the replication slot " + slot + " exists",
                    ours ? (s.lost() || s.active() ? Verdict.NOTE : Verdict.OK) : Verdict.FAIL,
                    !ours
                            ? "it is not Lifeboat's (plugin " + s.plugin() + ", database " + s.database() + "): drop"
                                    + " it, or archive this database under another " + Param.DATABASE.flag() + " id"
                            : s.lost()
                                    ? "the server gave it up (its WAL passed max_slot_wal_keep_size): the streamer"
                                            + " makes a new one and marks a gap"
                                    : s.active()
                                            ? "a streamer reads it now: a second one stops (exit 3); stop the"
                                                    + " first before another takes over"
                                            : "the streamer continues from it"));
            out.add(new Finding(
                    "the wal2json output plugin",
                    "wal2json".equals(s.plugin()) ? Verdict.OK : Verdict.NOTE,
                    "the slot decodes with " + s.plugin()));
        } else {
            out.add(
                    new Finding(
                            "the wal2json output plugin",
                            Verdict.NOTE,
                            "checked when the streamer makes its slot (reading it needs no privilege preflight can count on):"
                                    + " RDS ships it; elsewhere install the server's package (Debian: postgresql-NN-wal2json)"));
            out.add(new Finding(
                    "a free replication slot for " + slot,
                    r.slotsFree() > 0 ? Verdict.OK : Verdict.FAIL,
                    r.slotsFree() > 0
                            ? r.slotsFree() + " free (max_replication_slots)"
                            : "none free: raise max_replication_slots (a restart) or drop a slot no one reads"));
        }
        boolean sender =
                r.sendersFree() > 0 || mine.map(ChangeFeed.Slot::active).orElse(false);
        out.add(new Finding(
                "a free WAL sender",
                sender ? Verdict.OK : Verdict.FAIL,
                sender ? r.sendersFree() + " free (max_wal_senders)" : "none free: raise max_wal_senders (a restart)"));
        out.add(left(
                "tables without a primary key or replica identity",
                r.withoutIdentity(),
                "their inserts are carried, their updates and deletes are not: a restore to a moment brings them"
                        + " back as the dump held them; give each a primary key, or REPLICA IDENTITY FULL"));
        out.add(left(
                "unlogged tables",
                r.unlogged(),
                "not in the WAL, so in no stream: a restore to a moment brings them back as the dump held them"));
        out.add(new Finding(
                r.largeObjects() + " large objects",
                r.largeObjects() == 0 ? Verdict.OK : Verdict.NOTE,
                r.largeObjects() == 0
                        ? "none"
                        : "logical decoding does not carry large objects: a restore to a moment brings them back as"
                                + " the dump held them"));
        out.add(new Finding(
                "DDL",
                Verdict.NOTE,
                "logical decoding does not carry a change of the tables' columns: a restore to a moment after one is"
                        + " refused until a dump after it exists (dump after each migration)"));
        return new Report(databaseId, out);
    }

    /** What to do about a refused replication connection, by its SQLSTATE. */
    private static String replicationFix(String refused, DatabaseTarget source) {
        if (refused.startsWith("SQLSTATE 53300")) {
            return "every WAL sender is taken: raise max_wal_senders (a restart) or stop a reader";
        }
        if (refused.startsWith("SQLSTATE 28") || refused.startsWith("SQLSTATE 42501")) {
            return "grant the user REPLICATION (on RDS: GRANT rds_replication TO " + source.user()
                    + ") and allow replication connections in pg_hba.conf";
        }
        return "check the host, the port and the server";
    }

    private static Finding left(String what, List<String> tables, String consequence) {
        if (tables.isEmpty()) {
            return new Finding("no " + what, Verdict.OK, "none");
        }
        int shown = Math.min(tables.size(), 20);
        String named = String.join(", ", tables.subList(0, shown))
                + (tables.size() > shown ? " and " + (tables.size() - shown) + " more" : "");
        return new Finding(tables.size() + " " + what, Verdict.NOTE, named + ": " + consequence);
    }
}
