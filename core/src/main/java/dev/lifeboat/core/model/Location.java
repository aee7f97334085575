package dev.lifeboat.core.model;

/** An AWS account and region: where a snapshot lives or a call goes. */
public record Location(String account, String region) {
    @Override
    public String toString() {
        return account + "/" + region;
    }
}
