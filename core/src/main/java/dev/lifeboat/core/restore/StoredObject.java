package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.stream.HashingInputStream;

/** One stored object of a dump backup and what its manifest vouches for: its key, version, size and SHA-256. */
record StoredObject(String key, String versionId, long size, String sha256) {
    /** A one-stream backup's object, or a parallel backup's schema part. */
    static StoredObject whole(DumpManifest m) {
        return new StoredObject(m.objectKey(), m.objectVersionId(), m.sizeBytes(), m.sha256());
    }

    /** A parallel backup's data part. */
    static StoredObject part(DumpManifest.Part p) {
        return new StoredObject(p.objectKey(), p.objectVersionId(), p.sizeBytes(), p.sha256());
    }

    /**
     * What was read through {@code hashed} against what the manifest vouches for: a mismatch is corruption, and stops
     * {@code loader} (when one is fed) before it is given the last chunk.
     */
    void check(DumpManifest manifest, HashingInputStream hashed, DumpTools.Running loader) {
        long size = hashed.sha().bytes();
        String sha = hashed.sha().hex();
        if (size != size() || !sha.equals(sha256())) {
            if (loader != null) {
                loader.kill();
            }
            throw new ChecksumMismatchException(
                    "backup " + manifest.backupId() + " of " + manifest.databaseId() + " is corrupt: read " + size
                            + " bytes with sha256 " + sha + " from " + key() + ", the manifest says "
                            + size() + " bytes with sha256 " + sha256(),
                    "the load was stopped before the damaged part; restore another backup (lifeboat list shows them)");
        }
    }
}
