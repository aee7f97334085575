package dev.lifeboat.adapters.aws;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Credentials per AWS account: the process's own for the backup account, an assumed role (with its
 * external id) for each source account. Assumed-role credentials refresh themselves before they expire.
 */
public final class AccountCredentials implements AutoCloseable {
    /** The role Lifeboat assumes in one source account. */
    public record AssumedRole(String roleArn, String externalId) {}

    private final String homeAccount;
    private final Map<String, AssumedRole> roles;
    private final StsClient sts;
    private final AwsCredentialsProvider home;
    private final Map<String, AwsCredentialsProvider> providers = new ConcurrentHashMap<>();

    public AccountCredentials(
            String homeAccount, Map<String, AssumedRole> roles, StsClient sts, AwsCredentialsProvider home) {
        this.homeAccount = homeAccount;
        this.roles = Map.copyOf(roles);
        this.sts = sts;
        this.home = home;
    }

    public static AccountCredentials of(String homeAccount, Map<String, AssumedRole> roles, StsClient sts) {
        return new AccountCredentials(
                homeAccount, roles, sts, DefaultCredentialsProvider.builder().build());
    }

    /**
     * The credentials of a run of {@code config}: the process's own in the backup account, each database's
     * source role (with its external id) in its account.
     */
    public static AccountCredentials forConfig(dev.lifeboat.core.config.LifeboatConfig config, AwsClients aws) {
        Map<String, AssumedRole> roles = new java.util.HashMap<>();
        config.databases()
                .values()
                .forEach(d -> roles.put(
                        d.source().account(),
                        new AssumedRole(d.source().roleArn(), d.source().externalId())));
        return of(config.backup().account(), roles, aws.sts(config.backup().region()));
    }

    public AwsCredentialsProvider forAccount(String account) {
        if (account.equals(homeAccount)) {
            return home;
        }
        AssumedRole role = roles.get(account);
        if (role == null) {
            throw new InvalidInputException(
                    "no role configured for account " + account,
                    "set source.roleArn for the databases of that account in lifeboat.yml");
        }
        return providers.computeIfAbsent(
                account,
                a -> StsAssumeRoleCredentialsProvider.builder()
                        .stsClient(sts)
                        .refreshRequest(r -> r.roleArn(role.roleArn())
                                .externalId(role.externalId())
                                .roleSessionName("lifeboat"))
                        .asyncCredentialUpdateEnabled(false)
                        .build());
    }

    @Override
    public void close() {
        providers.values().forEach(p -> {
            if (p instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing refreshers only
                }
            }
        });
    }
}
