package dev.lifeboat.core.port;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where backups live: an S3 bucket with Object Lock in production, a local directory on a laptop.
 * Keys are relative to the vault's root and use '/' as separator.
 *
 * <p>Contract shared by every adapter: an object becomes visible only when its upload completes,
 * an aborted upload leaves nothing behind, and {@link #putIfAbsent} never replaces an object. The
 * dump use case relies on these to make a backup exist only once its manifest is written.
 */
public interface Vault {

    /** "s3://bucket/prefix" or "file:/path", for messages. */
    String describe();

    /** Fails fast, before any dump starts, when the vault cannot take writes (missing bucket, no permission). */
    void checkWritable();

    /** Starts a streamed upload of a large object; nothing is visible until {@link Upload#complete()}. */
    Upload startUpload(String key);

    /** Writes a small object unless one exists at that key. Returns false, changing nothing, if one does. */
    boolean putIfAbsent(String key, byte[] content);

    /**
     * The most a small object (a manifest, a record, a configuration document) may hold: {@link #read} of a larger
     * one throws {@link TooLarge} without reading it whole, so a huge object planted in the vault cannot exhaust the
     * reader's memory. A manifest lists its database's tables (about 90 bytes each): 64 MiB holds some 700,000
     * tables, and the writer refuses a manifest over it ({@code TakingDump}), so no backup is written that no reader
     * reads.
     */
    long SMALL_OBJECT_LIMIT = 64L << 20;

    /**
     * Reads a small object (a manifest), or empty if there is none at that key; one larger than {@link
     * #SMALL_OBJECT_LIMIT} throws {@link TooLarge}.
     */
    Optional<byte[]> read(String key);

    /** {@link #read} met an object larger than {@link #SMALL_OBJECT_LIMIT}: no small object Lifeboat writes. */
    class TooLarge extends dev.lifeboat.core.error.VaultException {
        private static final long serialVersionUID = 1L;

        public TooLarge(String where) {
            super(
                    where + " is larger than " + (SMALL_OBJECT_LIMIT >> 20) + " MiB, more than any manifest or record"
                            + " Lifeboat writes; it was not read",
                    "look at who wrote it (the bucket's CloudTrail data events or the directory's owner)");
        }
    }

    /**
     * The object at that key (and version, when not null) with its size, or empty when there is none: how
     * the catalog checks that a manifest names bytes that exist.
     */
    Optional<StoredObject> stat(String key, String versionId);

    /**
     * Streams an object; {@code versionId} may be null for the newest version. The stream delivers every byte the
     * store holds for the object or throws: an adapter whose transfer breaks off resumes it or throws {@link
     * TransferInterrupted}, and never reports an early end, so fewer bytes than the manifest names means the stored
     * object itself differs from it.
     */
    InputStream open(String key, String versionId);

    /**
     * Reading an object stopped short of its end and could not be resumed: the transfer failed, not the backup.
     * A restore says so and asks for a retry (exit 1), never calls the backup corrupt.
     */
    class TransferInterrupted extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        public TransferInterrupted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Keys under a prefix, in lexicographic order. */
    List<String> list(String prefix);

    /** An upload in progress. Exactly one of {@link #complete()} and {@link #abort()} ends it. */
    interface Upload extends AutoCloseable {
        OutputStream stream();

        StoredObject complete();

        void abort();

        /** Aborts unless completed, so a try-with-resources block never leaves a half upload. */
        @Override
        void close();
    }

    /** A completed object: its key, its version (null where the store has no versions) and size. */
    record StoredObject(String key, String versionId, long size) {}
}
