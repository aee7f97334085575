package dev.lifeboat.core.testing;

import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.verify.VerificationReports;
import dev.lifeboat.core.verify.VerifyingBackup.Check;
import dev.lifeboat.core.verify.VerifyingBackup.Report;
import java.time.Instant;
import java.util.List;

/** Verification reports in a vault, as a verification run stores them. */
public final class Reports {
    private Reports() {}

    /** A run started at {@code at} that restored {@code snapshotId} and {@code dumpBackupId}, passed or failed. */
    public static Report store(
            Vault vault, String databaseId, Instant at, String snapshotId, String dumpBackupId, boolean passed) {
        Report r = new Report(
                databaseId,
                "lifeboat-verify-" + databaseId,
                at,
                at.plusSeconds(900),
                snapshotId,
                dumpBackupId,
                900L,
                2.0,
                passed,
                List.of(new Check("row counts", passed, passed ? "as recorded" : "orders: 0 rows, expected 10")),
                true,
                passed ? null : "row counts differ");
        new VerificationReports(vault).store(r);
        return r;
    }
}
