package dev.lifeboat.adapters.s3;

import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.port.Vault;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The production vault: an S3 bucket, ideally with versioning and Object Lock.
 *
 * <ul>
 *   <li>Large objects stream through multipart uploads with at most {@code maxPartsInFlight} parts in
 *       memory at once, whatever the dump's size (see {@link S3MultipartUpload}).
 *   <li>SSE-KMS with the configured key on every object.
 *   <li>With Object Lock settings, each object gets its mode and retain-until date; the bucket must
 *       have Object Lock enabled, which is checked before any data moves.
 *   <li>Manifests are written with {@code If-None-Match: *}, so a second writer cannot replace one.
 * </ul>
 */
public final class S3Vault implements Vault {

    /**
     * Settings. {@code kmsKeyId} null: the bucket's default encryption applies. {@code lockMode} and
     * {@code lockFor} null: the bucket's default retention (if any) applies.
     */
    public record Settings(
            String bucket,
            String prefix,
            String kmsKeyId,
            ObjectLockMode lockMode,
            Duration lockFor,
            int partSizeBytes,
            int maxPartsInFlight) {
        public static final int MIN_PART = 5 * 1024 * 1024;

        public Settings {
            Objects.requireNonNull(bucket, "bucket");
            prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
            if (partSizeBytes < MIN_PART) {
                throw new IllegalArgumentException("partSizeBytes must be at least 5 MiB (S3's minimum part size)");
            }
            if (maxPartsInFlight < 1) {
                throw new IllegalArgumentException("maxPartsInFlight must be at least 1");
            }
            if ((lockMode == null) != (lockFor == null)) {
                throw new IllegalArgumentException(
                        "give both the Object Lock mode and the retention period, or neither");
            }
        }

        public static Settings of(String bucket, String prefix) {
            return new Settings(bucket, prefix, null, null, null, 16 * 1024 * 1024, 4);
        }

        public Settings withKmsKey(String key) {
            return new Settings(bucket, prefix, key, lockMode, lockFor, partSizeBytes, maxPartsInFlight);
        }

        /**
         * Each object locked in {@code mode} (COMPLIANCE or GOVERNANCE, any case) for {@code retention}.
         *
         * @throws IllegalArgumentException naming the mode when it is neither
         */
        public Settings withObjectLock(String mode, Duration retention) {
            ObjectLockMode parsed = ObjectLockMode.fromValue(mode.toUpperCase(Locale.ROOT));
            if (parsed == ObjectLockMode.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException("Object Lock mode '" + mode + "' is not COMPLIANCE or GOVERNANCE");
            }
            return new Settings(bucket, prefix, kmsKeyId, parsed, retention, partSizeBytes, maxPartsInFlight);
        }

        public Settings withParts(int partSize, int inFlight) {
            return new Settings(bucket, prefix, kmsKeyId, lockMode, lockFor, partSize, inFlight);
        }
    }

    private final S3Client s3;
    private final Settings settings;
    private final Clock clock;

    public S3Vault(S3Client s3, Settings settings, Clock clock) {
        this.s3 = s3;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "s3://" + settings.bucket() + (settings.prefix().isEmpty() ? "" : "/" + settings.prefix());
    }

    private String fullKey(String key) {
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    @Override
    public void checkWritable() {
        try {
            s3.headBucket(HeadBucketRequest.builder().bucket(settings.bucket()).build());
        } catch (NoSuchBucketException e) {
            throw missingBucket(e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw missingBucket(e);
            }
            throw failure("cannot reach bucket " + settings.bucket(), e);
        }
        if (settings.lockMode() != null && !objectLockEnabled()) {
            throw new VaultException(
                    "bucket " + settings.bucket() + " does not have Object Lock enabled, so the configured "
                            + settings.lockMode() + " retention cannot be applied",
                    "use the vault bucket that the Lifeboat CDK stack creates (Object Lock on), or leave out the Object Lock settings");
        }
    }

    private boolean objectLockEnabled() {
        try {
            var config = s3.getObjectLockConfiguration(b -> b.bucket(settings.bucket()))
                    .objectLockConfiguration();
            return config != null && config.objectLockEnabled() == ObjectLockEnabled.ENABLED;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("cannot read the Object Lock configuration of bucket " + settings.bucket(), e);
        }
    }

    private VaultException missingBucket(Exception e) {
        return new VaultException(
                "bucket " + settings.bucket() + " does not exist",
                "check --vault (s3://BUCKET/PREFIX) and the region; the CDK stack's output VaultBucketName names it",
                e);
    }

    static VaultException failure(String what, S3Exception e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        // A bucket of another Region answers 301 PermanentRedirect and names its Region in x-amz-bucket-region
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingRouting.html): retrying never helps.
        java.util.Optional<String> bucketRegion = e.statusCode() == 301 && e.awsErrorDetails() != null
                ? e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region")
                : java.util.Optional.empty();
        String hint = e.statusCode() == 403
                ? "the role lacks permission (AccessDenied): see docs/security.md for the policy Lifeboat needs"
                : e.statusCode() == 301
                        ? "the bucket is in " + bucketRegion.orElse("another Region")
                                + ", not this client's Region: set backup.region in lifeboat.yml to the vault's Region"
                        : "retry; if it persists, check the bucket";
        return new VaultException(what + ": " + code + " (HTTP " + e.statusCode() + ")", hint, e);
    }

    Instant retainUntil() {
        // Whole seconds, rounded up (never shorter than promised): S3 documents the date as ISO 8601, and a
        // nanosecond fraction is more than some implementations parse (moto answers it with a 500).
        Instant until = clock.instant().plus(settings.lockFor());
        Instant seconds = until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return seconds.equals(until) ? seconds : seconds.plusSeconds(1);
    }

    @Override
    public Upload startUpload(String key) {
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket())
                .key(fullKey(key))
                .checksumAlgorithm(ChecksumAlgorithm.CRC32);
        if (settings.kmsKeyId() != null) {
            create.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(settings.kmsKeyId());
        }
        if (settings.lockMode() != null) {
            create.objectLockMode(settings.lockMode()).objectLockRetainUntilDate(retainUntil());
        }
        try {
            String uploadId = s3.createMultipartUpload(create.build()).uploadId();
            return new S3MultipartUpload(
                    s3,
                    settings.bucket(),
                    fullKey(key),
                    key,
                    uploadId,
                    settings.partSizeBytes(),
                    settings.maxPartsInFlight(),
                    versionId -> ensureRetention(key, versionId));
        } catch (NoSuchBucketException e) {
            throw missingBucket(e);
        } catch (S3Exception e) {
            throw failure("cannot start an upload to " + describe() + "/" + key, e);
        }
    }

    /**
     * Verifies that a completed object carries the configured retention, and applies it if not. S3
     * applies the retention given at CreateMultipartUpload; this check makes the guarantee hold even
     * where that header was dropped on the way (moto, for one, ignores it on multipart uploads).
     */
    private void ensureRetention(String key, String versionId) {
        if (settings.lockMode() == null) {
            return;
        }
        Instant wanted = retainUntil().minus(Duration.ofMinutes(10));
        try {
            var current = s3.getObjectRetention(
                            b -> b.bucket(settings.bucket()).key(fullKey(key)).versionId(versionId))
                    .retention();
            if (current != null
                    && current.mode() != null
                    && current.mode().toString().equals(settings.lockMode().toString())
                    && current.retainUntilDate() != null
                    && !current.retainUntilDate().isBefore(wanted)) {
                return;
            }
        } catch (S3Exception e) {
            if (e.statusCode() != 404 && e.statusCode() != 400) {
                throw failure("cannot read the retention of " + describe() + "/" + key, e);
            }
        } catch (SdkClientException e) {
            // An answer without a retention document: treat it as none set, and set it below.
        }
        try {
            s3.putObjectRetention(b -> b.bucket(settings.bucket())
                    .key(fullKey(key))
                    .versionId(versionId)
                    .retention(r -> r.mode(settings.lockMode().toString()).retainUntilDate(retainUntil())));
        } catch (S3Exception e) {
            throw failure("cannot set Object Lock retention on " + describe() + "/" + key, e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) {
        PutObjectRequest.Builder put = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(fullKey(key))
                .contentType("application/json")
                .ifNoneMatch("*")
                .checksumAlgorithm(ChecksumAlgorithm.CRC32);
        if (settings.kmsKeyId() != null) {
            put.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(settings.kmsKeyId());
        }
        if (settings.lockMode() != null) {
            put.objectLockMode(settings.lockMode()).objectLockRetainUntilDate(retainUntil());
        }
        try {
            s3.putObject(put.build(), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                // PreconditionFailed / ConditionalRequestConflict: one exists already. It may be this very write:
                // the SDK retries a PUT whose answer was lost, and the retry meets the object the first one wrote
                // (issue 38, item 6). The same bytes (a manifest names its attempt's own objects) are ours.
                Optional<byte[]> there = read(key);
                return there.isPresent() && Arrays.equals(there.get(), content);
            }
            throw failure("cannot write " + describe() + "/" + key, e);
        } catch (SdkClientException e) {
            // No answer came (a reset connection, a lost response): the write may or may not have happened.
            // What the key holds now says which; anything else would call a written manifest unwritten.
            Optional<byte[]> now;
            try {
                now = read(key);
            } catch (RuntimeException readFailed) {
                e.addSuppressed(readFailed);
                throw new VaultException(
                        "writing " + describe() + "/" + key + " got no answer, and reading it back failed too: "
                                + e.getMessage(),
                        "whether it was written is unknown; run the same command again: it finds the manifest if"
                                + " there is one, and makes none twice",
                        e);
            }
            if (now.isEmpty()) {
                throw new VaultException(
                        "writing " + describe() + "/" + key + " got no answer, and nothing was written: "
                                + e.getMessage(),
                        "check the network path to S3, then run again",
                        e);
            }
            return Arrays.equals(now.get(), content);
        }
    }

    @Override
    public Optional<byte[]> read(String key) {
        try {
            // At most one byte past the limit is fetched: enough to tell a small object from a planted huge one.
            byte[] bytes = s3.getObjectAsBytes(GetObjectRequest.builder()
                            .bucket(settings.bucket())
                            .key(fullKey(key))
                            .range("bytes=0-" + SMALL_OBJECT_LIMIT)
                            .build())
                    .asByteArray();
            if (bytes.length > SMALL_OBJECT_LIMIT) {
                throw new TooLarge(describe() + "/" + key);
            }
            return Optional.of(bytes);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (NoSuchBucketException e) {
            throw missingBucket(e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            if (e.statusCode() == 416) {
                return Optional.of(new byte[0]); // an empty object has no byte 0 for the range to start at
            }
            throw failure("cannot read " + describe() + "/" + key, e);
        }
    }

    /**
     * A version id as Lifeboat records it: null on a bucket without versioning, where S3 reports the
     * literal "null" (or nothing), which is no version to ask for later.
     */
    static String versionOf(String reported) {
        return reported == null || reported.isEmpty() || reported.equals("null") ? null : reported;
    }

    @Override
    public Optional<StoredObject> stat(String key, String versionId) {
        try {
            var head = s3.headObject(
                    b -> b.bucket(settings.bucket()).key(fullKey(key)).versionId(versionId));
            return Optional.of(new StoredObject(key, versionOf(head.versionId()), head.contentLength()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (NoSuchBucketException e) {
            throw missingBucket(e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || (e.statusCode() == 400 && versionId != null)) {
                return Optional.empty();
            }
            throw failure("cannot look at " + describe() + "/" + key, e);
        }
    }

    @Override
    public InputStream open(String key, String versionId) {
        try {
            return ResumingObjectStream.open(
                    s3,
                    GetObjectRequest.builder()
                            .bucket(settings.bucket())
                            .key(fullKey(key))
                            .versionId(versionId)
                            .build(),
                    describe() + "/" + key);
        } catch (NoSuchBucketException e) {
            throw missingBucket(e);
        } catch (S3Exception e) {
            throw failure(
                    "cannot read " + describe() + "/" + key + (versionId == null ? "" : " version " + versionId), e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        String strip = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        try {
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(settings.bucket())
                            .prefix(fullKey(prefix))
                            .build())
                    .contents()) {
                keys.add(o.key().substring(strip.length()));
            }
        } catch (NoSuchBucketException e) {
            throw missingBucket(e);
        } catch (S3Exception e) {
            throw failure("cannot list " + describe() + "/" + prefix, e);
        }
        keys.sort(null);
        return keys;
    }
}
