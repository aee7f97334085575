package dev.lifeboat.core.changes;

import java.time.Instant;

/**
 * A mark the streamer leaves where the change archive cannot continue (issue 41): the changes committed after {@code
 * lastArchived} up to {@code resumedAt} are not in the vault (the slot was dropped or advanced behind Lifeboat's
 * back, or the server is another one). No restore crosses it; a dump taken after it starts a new window.
 */
public record ChangeGap(String databaseId, String lastArchived, String resumedAt, Instant detectedAt, String reason) {}
