package dev.lifeboat.core.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.verify.VerifyingBackup.Report;
import dev.lifeboat.protocol.VaultKeys;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification reports in the vault, {@code verifications/<database-id>/<start>.json}, written once each;
 * and the freshness rule the alarm applies to them.
 */
public final class VerificationReports {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationReports.class);

    static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Vault vault;

    /** The reports of {@code vault}; null when no vault is configured: nothing is stored, nothing to read. */
    public VerificationReports(Vault vault) {
        this.vault = vault;
    }

    /** Stores the report; a failure to store is logged, not thrown: the run's outcome stands in its metrics. */
    public void store(Report report) {
        if (vault == null) {
            return;
        }
        try {
            vault.putIfAbsent(key(report.databaseId(), report.startedAt()), JSON.writeValueAsBytes(report));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not store the verification report of {}: {}", report.databaseId(), e.getMessage());
        }
    }

    static String key(String databaseId, Instant startedAt) {
        return VaultKeys.VERIFICATIONS + databaseId + "/" + STAMP.format(startedAt) + ".json";
    }

    /** The stored reports of a database, oldest first; unreadable ones are logged and left out. */
    public List<Report> of(String databaseId) {
        List<Report> out = new ArrayList<>();
        if (vault == null) {
            return out;
        }
        for (String key : vault.list(VaultKeys.VERIFICATIONS + databaseId + "/")) {
            vault.read(key).ifPresent(b -> {
                try {
                    out.add(JSON.readValue(b, Report.class));
                } catch (IOException e) {
                    LOG.warn("unreadable verification report {}: {}", key, e.getMessage());
                }
            });
        }
        return out;
    }

    /**
     * Fresh when the newest backup that passed a verification was taken within {@code maxAge} of now:
     * the freshness alarm's condition. Taken time = the report's start less the backup's age then.
     */
    public static boolean fresh(List<Report> reports, Duration maxAge, Instant now) {
        return reports.stream()
                .filter(Report::success)
                .filter(r -> r.backupAgeHours() != null)
                .map(r -> r.startedAt().minusSeconds(Math.round(r.backupAgeHours() * 3600)))
                .anyMatch(taken -> !taken.plus(maxAge).isBefore(now));
    }
}
