package dev.lifeboat.core.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an aws command runs, read from what the aws command line reads: the environment and its two shared files
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html; the config file {@code
 * AWS_CONFIG_FILE} or {@code ~/.aws/config}, whose sections are {@code [default]} and {@code [profile NAME]}, and the
 * credentials file {@code AWS_SHARED_CREDENTIALS_FILE} or {@code ~/.aws/credentials}, whose sections are {@code
 * [NAME]}).
 *
 * <p>The account is the one the credentials the command would use belong to, as far as the files and the
 * environment say it; nothing here calls AWS. The credentials come from the environment's keys ({@code
 * AWS_ACCESS_KEY_ID}) unless {@code --profile} was given (an explicit profile sets the environment's keys aside,
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html), else from the profile: a {@code
 * role_arn} names the account of the role it assumes, an {@code sso_account_id} the account it signs in to; then
 * {@code AWS_ROLE_ARN} with a web identity token file; last the account the settings declare for account-based
 * endpoints, {@code AWS_ACCOUNT_ID} or the profile's {@code aws_account_id}
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-account-endpoints.html). Static keys without any of those
 * name no account: null, and a caller that must know fails closed.
 */
final class AwsProfiles {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private AwsProfiles() {}

    /** The profile's {@code region} in the config file; null when none says. */
    static String region(Map<String, String> env, String profile) {
        return config(env, profile).get("region");
    }

    /**
     * The account the command's credentials belong to; null when neither the environment nor the files say.
     *
     * @param profileGiven whether {@code --profile} stood on the command line
     */
    static String account(Map<String, String> env, String profile, boolean profileGiven) {
        if (!profileGiven && present(env.get("AWS_ACCESS_KEY_ID"))) {
            return valid(env.get("AWS_ACCOUNT_ID"));
        }
        Map<String, String> config = config(env, profile);
        Map<String, String> credentials = credentials(env, profile);
        String roleArn = config.getOrDefault("role_arn", credentials.get("role_arn"));
        if (roleArn != null) {
            return ofArn(roleArn);
        }
        if (config.containsKey("sso_account_id")) {
            return valid(config.get("sso_account_id"));
        }
        if (present(env.get("AWS_ROLE_ARN")) && present(env.get("AWS_WEB_IDENTITY_TOKEN_FILE"))) {
            return ofArn(env.get("AWS_ROLE_ARN"));
        }
        if (present(env.get("AWS_ACCOUNT_ID"))) {
            return valid(env.get("AWS_ACCOUNT_ID"));
        }
        return valid(config.getOrDefault("aws_account_id", credentials.get("aws_account_id")));
    }

    /** The account of an ARN ({@code arn:PARTITION:SERVICE:REGION:ACCOUNT:...}); null when it names none. */
    static String ofArn(String arn) {
        String[] parts = arn.strip().split(":", -1);
        return parts.length >= 6 && parts[0].equals("arn") ? valid(parts[4]) : null;
    }

    private static String valid(String account) {
        return account != null && ACCOUNT.matcher(account.strip()).matches() ? account.strip() : null;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static Map<String, String> config(Map<String, String> env, String profile) {
        Map<String, Map<String, String>> sections = sections(file(env, "AWS_CONFIG_FILE", "config"));
        Map<String, String> named = sections.get("profile " + profile);
        return named != null
                ? named
                : profile.equals("default") ? sections.getOrDefault("default", Map.of()) : Map.of();
    }

    private static Map<String, String> credentials(Map<String, String> env, String profile) {
        return sections(file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials")).getOrDefault(profile, Map.of());
    }

    private static Path file(Map<String, String> env, String variable, String name) {
        String file = env.get(variable);
        if (file != null && file.indexOf('\u0000') >= 0) {
            return null; // not known until it runs
        }
        return file != null ? Path.of(file) : env.get("HOME") == null ? null : Path.of(env.get("HOME"), ".aws", name);
    }

    /**
     * The file's sections and their settings, as the aws command line reads them: {@code [name]} opens a section,
     * {@code key = value} sets a key (of a key given twice, the last), lines starting with {@code #} or {@code ;} are comments, and an
     * indented line continues a nested setting ({@code s3 =} and its sub-keys), which is not a key of the profile.
     */
    static Map<String, Map<String, String>> sections(Path p) {
        Map<String, Map<String, String>> out = new HashMap<>();
        if (p == null || !Files.isRegularFile(p)) {
            return out;
        }
        try {
            Map<String, String> current = null;
            for (String line : Files.readAllLines(p)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                    continue;
                }
                if (l.startsWith("[") && l.endsWith("]")) {
                    current = out.computeIfAbsent(
                            l.substring(1, l.length() - 1).strip().replaceAll("\\s+", " "), k -> new HashMap<>());
                } else if (current != null && !Character.isWhitespace(line.charAt(0)) && l.contains("=")) {
                    current.put(
                            l.substring(0, l.indexOf('=')).strip().toLowerCase(Locale.ROOT),
                            l.substring(l.indexOf('=') + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }
}
