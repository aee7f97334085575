package dev.lifeboat.adapters.s3;

import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.port.Vault;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One multipart upload fed through an {@link OutputStream}.
 *
 * <p>Memory is bounded: one buffer is being filled while at most {@code maxInFlight} full ones are
 * being uploaded, and a writer that gets ahead of S3 blocks. Buffers are reused, never copied: the
 * request body re-reads the buffer on an SDK retry.
 */
final class S3MultipartUpload implements Vault.Upload {
    private static final Logger LOG = LoggerFactory.getLogger(S3MultipartUpload.class);
    /** S3 allows at most 10,000 parts in one upload. */
    static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final String bucket;
    private final String fullKey;
    private final String key;
    private final String uploadId;
    private final int partSize;
    private final Semaphore inFlight;
    private final Deque<byte[]> freeBuffers = new ArrayDeque<>();
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final ExecutorService executor;
    private final PartStream stream = new PartStream();
    private final Consumer<String> afterComplete;
    private byte[] current;
    private int filled;
    private long total;
    private boolean finished;
    private volatile boolean abortFailed;

    S3MultipartUpload(
            S3Client s3,
            String bucket,
            String fullKey,
            String key,
            String uploadId,
            int partSize,
            int maxInFlight,
            Consumer<String> afterComplete) {
        this.s3 = s3;
        this.afterComplete = afterComplete;
        this.bucket = bucket;
        this.fullKey = fullKey;
        this.key = key;
        this.uploadId = uploadId;
        this.partSize = partSize;
        this.inFlight = new Semaphore(maxInFlight);
        this.executor = Executors.newFixedThreadPool(
                maxInFlight, Thread.ofPlatform().daemon().name("s3-part-", 0).factory());
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (current == null) {
                    current = takeBuffer();
                }
                int n = Math.min(len, partSize - filled);
                if (filled + n > current.length) {
                    // The first part's buffer grows to the part size as it fills (takeBuffer).
                    current = java.util.Arrays.copyOf(
                            current, Math.min(partSize, Math.max(filled + n, current.length * 2)));
                }
                System.arraycopy(b, off, current, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == partSize) {
                    sendCurrent();
                }
            }
        }
    }

    /**
     * The first part's buffer starts this small and doubles as it fills, up to the part size, so a small object (a
     * parallel dump's schema part, issue 13) never holds a whole part of memory. Once an object has outgrown one part,
     * its buffers are whole parts from the start: growing each of them would only make garbage (measured: a one-stream
     * dump's peak memory rose by 37 MiB when every buffer grew).
     */
    static final int FIRST_BUFFER = 256 * 1024;

    private byte[] takeBuffer() {
        synchronized (freeBuffers) {
            byte[] b = freeBuffers.pollFirst();
            return b != null ? b : new byte[parts.isEmpty() ? Math.min(partSize, FIRST_BUFFER) : partSize];
        }
    }

    private void sendCurrent() throws IOException {
        failIfAPartFailed();
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
            throw new IOException("the dump is larger than " + MAX_PARTS + " parts of " + partSize
                    + " bytes; raise the vault's part size");
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload slot");
        }
        byte[] buffer = current;
        int length = filled;
        current = null;
        filled = 0;
        total += length;
        parts.add(executor.submit(() -> {
            long t0 = System.nanoTime();
            try {
                UploadPartResponse r = s3.uploadPart(
                        b -> b.bucket(bucket)
                                .key(fullKey)
                                .uploadId(uploadId)
                                .partNumber(partNumber)
                                .contentLength((long) length)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        RequestBody.fromContentProvider(
                                () -> new ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream"));
                LOG.debug(
                        "part {} of s3://{}/{} ({} bytes) uploaded in {} ms",
                        partNumber,
                        bucket,
                        fullKey,
                        length,
                        (System.nanoTime() - t0) / 1_000_000);
                return CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(r.eTag())
                        .checksumCRC32(r.checksumCRC32())
                        .build();
            } finally {
                synchronized (freeBuffers) {
                    freeBuffers.addLast(buffer);
                }
                inFlight.release();
            }
        }));
    }

    private void failIfAPartFailed() throws IOException {
        for (Future<CompletedPart> f : parts) {
            if (f.isDone()) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IOException(
                            "uploading a part to s3://" + bucket + "/" + fullKey + " failed: " + describe(e.getCause()),
                            e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof S3Exception s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + ")";
        }
        return t.getMessage();
    }

    @Override
    public Vault.StoredObject complete() {
        try {
            if (filled > 0 || parts.isEmpty()) {
                if (current == null) {
                    current = takeBuffer();
                }
                sendCurrent(); // the last part may be smaller than 5 MiB; an empty object is one empty part
            }
            long t0 = System.nanoTime();
            List<CompletedPart> done = new ArrayList<>();
            for (Future<CompletedPart> f : parts) {
                done.add(f.get());
            }
            long t1 = System.nanoTime();
            String versionId = S3Vault.versionOf(s3.completeMultipartUpload(b ->
                            b.bucket(bucket).key(fullKey).uploadId(uploadId).multipartUpload(m -> m.parts(done)))
                    .versionId());
            LOG.debug(
                    "s3://{}/{}: waited {} ms for the last parts, CompleteMultipartUpload took {} ms",
                    bucket,
                    fullKey,
                    (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
            finished = true;
            executor.shutdown();
            afterComplete.accept(versionId);
            return new Vault.StoredObject(key, versionId, total);
        } catch (ExecutionException e) {
            String left = abandon();
            throw new VaultException(
                    "uploading to s3://" + bucket + "/" + fullKey + " failed: " + describe(e.getCause()),
                    left + "; check the bucket and the role's permissions, then retry",
                    e.getCause());
        } catch (IOException | SdkException e) {
            String left = abandon();
            throw new VaultException(
                    "finishing the upload to s3://" + bucket + "/" + fullKey + " failed: " + e.getMessage(),
                    left + "; retry",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new VaultException("interrupted while finishing the upload", "no backup was recorded; retry", e);
        }
    }

    @Override
    public void abort() {
        abandon();
    }

    /** Aborts the upload and says what became of it: aborted, or left for the bucket's lifecycle rule. */
    private String abandon() {
        abortUpload();
        return abortFailed
                ? "the upload could not be aborted either (the bucket's lifecycle rule removes its parts)"
                : "the upload was aborted";
    }

    private void abortUpload() {
        if (finished) {
            return;
        }
        finished = true;
        parts.forEach(f -> f.cancel(true));
        executor.shutdownNow();
        try {
            // A part still in flight could land after the abort and keep the upload alive.
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId));
            LOG.info("aborted the upload of s3://{}/{}", bucket, fullKey);
        } catch (SdkException e) {
            abortFailed = true;
            // A lifecycle rule (AbortIncompleteMultipartUpload) in the CDK stack removes it later.
            LOG.warn(
                    "could not abort the upload of s3://{}/{} ({}); the bucket's lifecycle rule will remove it",
                    bucket,
                    fullKey,
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        abort();
    }
}
