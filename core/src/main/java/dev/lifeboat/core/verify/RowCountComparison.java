package dev.lifeboat.core.verify;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.verify.VerifyingBackup.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The row-count checks of a verification run: every table the dump's manifest names must be present in
 * the restored snapshot and in the restored dump, the snapshot within {@code tolerance} of the manifest
 * (it was taken at another time), the dump exactly where the manifest counted exactly.
 */
final class RowCountComparison {
    private RowCountComparison() {}

    static List<Check> compare(
            DumpManifest manifest, List<TableRowCount> snapshot, List<TableRowCount> dump, double tolerance) {
        Map<String, Long> snap = byName(manifest, snapshot);
        Map<String, Long> fromDump = byName(manifest, dump);
        List<String> missing = new ArrayList<>();
        List<String> drift = new ArrayList<>();
        for (TableRowCount t : manifest.tables()) {
            String name = t.schema() + "." + t.table();
            Long s = snap.get(name);
            Long d = fromDump.get(name);
            if (s == null || d == null) {
                missing.add(name + (s == null ? " (snapshot)" : "") + (d == null ? " (dump)" : ""));
                continue;
            }
            long allowed = Math.round(Math.max(1, t.rows()) * tolerance);
            if (Math.abs(s - t.rows()) > allowed) {
                drift.add(name + ": snapshot " + s + " vs manifest " + t.rows());
            }
            if (t.exact() ? d != t.rows() : Math.abs(d - t.rows()) > allowed) {
                drift.add(name + ": dump " + d + " vs manifest " + t.rows());
            }
        }
        return List.of(
                new Check(
                        "tables present",
                        missing.isEmpty(),
                        missing.isEmpty()
                                ? manifest.tables().size() + " tables in both"
                                : "missing: " + String.join(", ", missing)),
                new Check(
                        "row counts",
                        drift.isEmpty(),
                        drift.isEmpty()
                                ? "within " + (tolerance * 100) + "% of the manifest"
                                : String.join("; ", drift)));
    }

    /**
     * Counts by "schema.table" as the manifest names them. MariaDB and MySQL report the database's name as
     * the schema, and the scratch database (or a database restored under another name) has another one:
     * there the manifest's schema stands for all.
     */
    private static Map<String, Long> byName(DumpManifest m, List<TableRowCount> counts) {
        boolean bySchemaOfManifest = m.engine().isMysqlFamily() && !m.tables().isEmpty();
        return counts.stream()
                .collect(Collectors.toMap(
                        t -> (bySchemaOfManifest ? m.tables().getFirst().schema() : t.schema()) + "." + t.table(),
                        TableRowCount::rows,
                        (a, b) -> a));
    }
}
