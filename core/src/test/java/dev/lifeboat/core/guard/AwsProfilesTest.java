package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.guard.CommandHook.Context;
import dev.lifeboat.core.guard.CommandHook.Danger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account (and Region) an aws command runs in, as the aws command line would resolve its credentials
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html): an RDS deletion is matched to
 * lifeboat.yml by account, Region and identifier, so the account must be the one the command's credentials reach.
 */
class AwsProfilesTest {
    @TempDir
    Path home;

    private Map<String, String> env;

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), """
                # the agent's profiles
                [default]
                region = eu-west-1
                role_arn = arn:aws:iam::111111111111:role/agent
                source_profile = keys

                [profile staging]
                sso_session = corp
                sso_account_id = 333333333333
                sso_role_name = Admin
                region = us-east-1
                s3 =
                  max_concurrent_requests = 20

                [profile keys]
                region = eu-central-1

                [profile hinted]
                aws_account_id = 444444444444

                [profile broken]
                role_arn = arn:aws:iam::not-an-account:role/x
                """);
        Files.writeString(home.resolve(".aws/credentials"), """
                [keys]
                aws_access_key_id = AKIAEXAMPLE
                aws_secret_access_key = example

                [credhint]
                aws_access_key_id = AKIAEXAMPLE
                aws_account_id = 555555555555
                """);
        env = new HashMap<>(Map.of("HOME", home.toString()));
    }

    @Test
    void theProfilesRoleOrSsoAccount_isTheAccount_staticKeysNameNone() {
        assertThat(AwsProfiles.account(env, "default", false)).isEqualTo("111111111111");
        assertThat(AwsProfiles.account(env, "staging", true)).isEqualTo("333333333333");
        assertThat(AwsProfiles.account(env, "hinted", true)).isEqualTo("444444444444");
        assertThat(AwsProfiles.account(env, "credhint", true)).isEqualTo("555555555555");
        assertThat(AwsProfiles.account(env, "keys", true))
                .as("static keys name no account")
                .isNull();
        assertThat(AwsProfiles.account(env, "broken", true))
                .as("a role ARN without an account")
                .isNull();
        assertThat(AwsProfiles.account(env, "nowhere", true)).isNull();
        assertThat(AwsProfiles.region(env, "staging")).isEqualTo("us-east-1");
        assertThat(AwsProfiles.region(env, "default")).isEqualTo("eu-west-1");
    }

    @Test
    void theEnvironmentsKeys_comeBeforeTheProfile_unlessProfileIsGiven() {
        env.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
        assertThat(AwsProfiles.account(env, "default", false))
                .as("the environment's keys, no account said")
                .isNull();
        env.put("AWS_ACCOUNT_ID", "666666666666");
        assertThat(AwsProfiles.account(env, "default", false)).isEqualTo("666666666666");
        assertThat(AwsProfiles.account(env, "staging", true))
                .as("--profile sets the environment's keys aside")
                .isEqualTo("333333333333");
        env.remove("AWS_ACCESS_KEY_ID");
        assertThat(AwsProfiles.account(env, "keys", true))
                .as("AWS_ACCOUNT_ID declares the account of keys that name none")
                .isEqualTo("666666666666");
        assertThat(AwsProfiles.account(env, "default", false))
                .as("a role's account is the role's, whatever AWS_ACCOUNT_ID says")
                .isEqualTo("111111111111");
    }

    @Test
    void aWebIdentityRole_orAnotherConfigFile_areRead() throws IOException {
        env.put("AWS_ROLE_ARN", "arn:aws:iam::777777777777:role/ci");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
        assertThat(AwsProfiles.account(env, "keys", true)).isEqualTo("777777777777");
        Path other = home.resolve("other-config");
        Files.writeString(other, "[profile default]\nrole_arn = arn:aws:iam::888888888888:role/x\n");
        env.put("AWS_CONFIG_FILE", other.toString());
        assertThat(AwsProfiles.account(env, "default", false)).isEqualTo("888888888888");
    }

    @Test
    void anRdsDeletion_carriesTheAccount_theCommandsCredentialsReach() {
        Context here = new Context(env, home);
        String delete = "aws rds delete-db-instance --db-instance-identifier orders-prod";
        assertThat(account(delete, here)).isEqualTo("111111111111");
        assertThat(account(delete + " --profile staging", here)).isEqualTo("333333333333");
        assertThat(account("AWS_PROFILE=staging " + delete, here)).isEqualTo("333333333333");
        assertThat(account("AWS_ACCESS_KEY_ID=AKIA1 " + delete, here)).isNull();
        assertThat(account("AWS_ACCESS_KEY_ID=AKIA1 AWS_ACCOUNT_ID=111111111111 " + delete, here))
                .isEqualTo("111111111111");
        // aws-vault gives the command the profile's credentials as keys: the profile's account and Region
        List<Danger> vault = CommandHook.read("aws-vault exec staging -- " + delete, here);
        assertThat(vault.getFirst().account()).isEqualTo("333333333333");
        assertThat(vault.getFirst().region()).isEqualTo("us-east-1");
        assertThat(account("aws-vault exec keys -- " + delete, here)).isNull();
        // where the command runs with an environment of its own, this user's files say nothing
        assertThat(account("sudo -u deploy " + delete, here)).isNull();
        assertThat(account("env -i PATH=/usr/bin " + delete, here)).isNull();
        assertThat(account("ssh bastion " + delete, here)).isNull();
        assertThat(account("sudo AWS_ACCOUNT_ID=111111111111 AWS_ACCESS_KEY_ID=AKIA1 " + delete, here))
                .isEqualTo("111111111111");
    }

    private static String account(String command, Context context) {
        List<Danger> dangers = CommandHook.read(command, context);
        assertThat(dangers).as(command).hasSize(1);
        return dangers.getFirst().account();
    }
}
