package dev.lifeboat.core.port;

/** Told how many bytes have moved so far; the CLI draws a progress bar from it. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = bytes -> {};

    void onProgress(long bytesSoFar);

    /** Called once before bytes move, with the expected total, or -1 when it is not known (a dump). */
    default void onStart(long expectedBytes) {}
}
