package dev.lifeboat.core.error;

/** The KMS key of a shared snapshot does not let the copying account use it. */
public final class KeyNotGrantedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    private final String keyArn;
    private final String account;

    public KeyNotGrantedException(String keyArn, String account, String message) {
        super(
                message,
                "account " + account + " may use a KMS key of another account only when the key's policy and the"
                        + " calling role's IAM policy both allow it (KMS developer guide: allowing users in other"
                        + " accounts to use a KMS key)",
                null);
        this.keyArn = keyArn;
        this.account = account;
    }

    public String keyArn() {
        return keyArn;
    }

    public String account() {
        return account;
    }
}
