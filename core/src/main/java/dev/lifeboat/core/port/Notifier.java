package dev.lifeboat.core.port;

/** Where a message for a human goes: the backup account's notifications topic. */
@FunctionalInterface
public interface Notifier {
    /** Sends {@code message} under {@code subject}; throws when it could not be handed over. */
    void send(String subject, String message);
}
