package dev.lifeboat.adapters.aws;

import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.KeyManagers;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@link KeyManagers} against KMS: DescribeKey in the key's account and Region, with that account's credentials
 * (the source role, for a source account). Any failure answers null (unknown): the audit then makes no claim.
 */
public final class AwsKeyManagers implements KeyManagers {
    private final AccountCredentials credentials;
    private final AwsClients aws;
    private final Map<Location, KmsClient> kms = new HashMap<>();

    public AwsKeyManagers(AccountCredentials credentials, AwsClients aws) {
        this.credentials = credentials;
        this.aws = aws;
    }

    @Override
    public synchronized String keyManager(Location where, String keyArn) {
        try {
            return kms.computeIfAbsent(where, w -> aws.kms(w.region(), credentials.forAccount(w.account())))
                    .describeKey(b -> b.keyId(keyArn))
                    .keyMetadata()
                    .keyManagerAsString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
