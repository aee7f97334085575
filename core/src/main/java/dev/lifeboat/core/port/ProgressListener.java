package dev.lifeboat.core.port;

/** Told how many bytes have moved so far; the CLI draws a progress bar from it. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = bytes -> {};

    void onProgress(long bytesSoFar);

    /** Called once before bytes move, with the expected total, or -1 when it is not known (a dump). */
    default void onStart(long expectedBytes) {}

    /**
     * A phase of the work begins, with its own total, saying what it does ({@code "checked"}, {@code "restored"}): a
     * MariaDB restore reads every byte through SHA-256 before it loads any (MariaDB commits as it loads), which for a
     * large backup is minutes of reading that the operator sees as such. By default, a start.
     */
    default void onPhase(String doing, long expectedBytes) {
        onStart(expectedBytes);
    }
}
