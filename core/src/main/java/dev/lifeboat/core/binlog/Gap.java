package dev.lifeboat.core.binlog;

import dev.lifeboat.core.model.BinlogPosition;
import java.time.Instant;

/**
 * A mark the streamer leaves where the archive cannot continue: the events after {@code lastArchived} up to {@code
 * resumedAt} are not in the vault (the server purged them before they were read, or the server is another one). No
 * restore crosses it; a dump taken after it starts a new window.
 */
public record Gap(
        String databaseId, BinlogPosition lastArchived, BinlogPosition resumedAt, Instant detectedAt, String reason) {}
