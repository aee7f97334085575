package dev.lifeboat.cli;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.Vault;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where backups are: shared by every command that reads or writes the vault. */
final class VaultOptions {
    @Option(
            names = "--vault",
            required = true,
            paramLabel = "URI",
            description = "file:DIR (a local directory) or s3://BUCKET/PREFIX")
    String uri;

    @Option(
            names = "--kms-key",
            paramLabel = "KEY",
            description = "S3 only: KMS key id or ARN for SSE-KMS (default: the bucket's default encryption)")
    String kmsKey;

    @Option(
            names = "--object-lock-mode",
            paramLabel = "MODE",
            description = "S3 only: COMPLIANCE or GOVERNANCE retention on each object (needs --object-lock-days)")
    String lockMode;

    @Option(
            names = "--object-lock-days",
            paramLabel = "DAYS",
            description = "S3 only: days each object stays locked (default: the bucket's default retention)")
    Integer lockDays;

    @Option(
            names = "--part-size-mib",
            paramLabel = "MIB",
            defaultValue = "16",
            description =
                    "S3 only: multipart part size; memory used is about 5 x this (4 parts in flight and 1 filling) (default: ${DEFAULT-VALUE})")
    int partSizeMib;

    Vault open(AwsClients aws, Clock clock) {
        return open(aws, clock, 4);
    }

    /**
     * The vault, each S3 upload with at most {@code inFlight} parts on their way (and one filling): a parallel dump
     * (issue 13) runs several uploads at once and gives each fewer, so that memory stays flat (bin/lifeboat caps the
     * heap by the same count).
     */
    Vault open(AwsClients aws, Clock clock, int inFlight) {
        if ((lockMode == null) != (lockDays == null)) {
            throw new InvalidInputException(
                    "--object-lock-mode and --object-lock-days go together; give both or neither");
        }
        if (lockMode != null) {
            if (!lockMode.equalsIgnoreCase("COMPLIANCE") && !lockMode.equalsIgnoreCase("GOVERNANCE")) {
                throw new InvalidInputException(
                        "--object-lock-mode '" + lockMode + "' is not COMPLIANCE or GOVERNANCE");
            }
            if (lockDays < 1) {
                throw new InvalidInputException("--object-lock-days must be at least 1");
            }
        }
        if (partSizeMib < 5) {
            throw new InvalidInputException("--part-size-mib must be at least 5 (S3's minimum part size)");
        }
        return aws.vault(
                uri,
                (bucket, prefix) -> {
                    S3Vault.Settings s =
                            S3Vault.Settings.of(bucket, prefix).withParts(partSizeMib * 1024 * 1024, inFlight);
                    if (kmsKey != null) {
                        s = s.withKmsKey(kmsKey);
                    }
                    if (lockMode != null) {
                        s = s.withObjectLock(lockMode, Duration.ofDays(lockDays));
                    }
                    return s;
                },
                clock);
    }
}
