package dev.lifeboat.protocol;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a vault is: an S3 bucket and key prefix ({@code s3://BUCKET/PREFIX}) or a local directory ({@code file:DIR},
 * or a plain path). The one parser of a vault's address (issue 35): lifeboat.yml's {@code backup.vault}, the
 * command line's {@code --vault} and the CDK app's bucket and policies all read it here, so they cannot disagree
 * about what an address means, and an address one of them would refuse is refused by all, naming the field.
 */
public sealed interface VaultAddress {
    /** An S3 vault: the bucket, and the key prefix without leading or trailing slash (empty: the bucket's root). */
    record S3(String bucket, String prefix) implements VaultAddress {
        /** The prefix as keys start with it: with its trailing slash, or empty. */
        public String keyPrefix() {
            return prefix.isEmpty() ? "" : prefix + "/";
        }

        @Override
        public String toString() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }
    }

    /** A local directory. */
    record Local(Path directory) implements VaultAddress {
        @Override
        public String toString() {
            return "file:" + directory;
        }
    }

    /** An address that is not one; the message names the field it came from and what to write instead. */
    final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * S3 general purpose bucket names (S3 user guide, "General purpose bucket naming rules"): 3 to 63 characters of
     * lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit.
     */
    Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** The same page: "must not be formatted as an IP address". */
    Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** The same page's reserved prefixes and suffixes. */
    List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");

    List<String> RESERVED_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");

    /** Only S3: lifeboat.yml's {@code backup.vault}, which a deployed Lifeboat holds its dumps in. */
    static S3 parseS3(String uri, String field) {
        VaultAddress a = parse(uri, field);
        if (a instanceof S3 s3) {
            return s3;
        }
        throw new Invalid(field + ": '" + uri + "' must be s3://BUCKET/PREFIX");
    }

    /**
     * Parses {@code uri}; {@code field} names where it came from in the message of {@link Invalid} ({@code --vault},
     * {@code backup.vault}).
     */
    static VaultAddress parse(String uri, String field) {
        if (uri == null || uri.isBlank()) {
            throw new Invalid(field + " is missing; use file:DIR or s3://BUCKET/PREFIX");
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3:") && !uri.startsWith("s3:")) {
            throw new Invalid(field + ": '" + uri + "' has the scheme in capitals; write s3://"
                    + uri.substring(3).replaceFirst("^/+", ""));
        }
        if (uri.startsWith("s3:") && !uri.startsWith("s3://")) {
            throw new Invalid(field + ": '" + uri + "' is not an S3 URI; use s3://BUCKET/PREFIX (two slashes)");
        }
        if (uri.startsWith("s3://")) {
            return s3(uri, field);
        }
        if (uri.startsWith("file:")) {
            String rest = uri.substring("file:".length());
            if (rest.startsWith("//")) {
                java.net.URI parsed;
                try {
                    parsed = new java.net.URI(uri);
                } catch (java.net.URISyntaxException e) {
                    throw new Invalid(field + ": '" + uri + "' is not a file URI (" + e.getReason()
                            + "); use file:DIR, or file:///ABSOLUTE/DIR");
                }
                String host = parsed.getAuthority();
                if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
                    // file://backups/x would otherwise be /x: another directory than the one meant, silently.
                    throw new Invalid(field + ": '" + uri + "' names a host ('" + host
                            + "'), and a vault is a directory"
                            + " on this machine; use file:" + host + parsed.getPath() + " for a relative directory, or"
                            + " file:///ABSOLUTE/DIR (three slashes)");
                }
                rest = parsed.getPath();
            }
            if (rest == null || rest.isBlank()) {
                throw new Invalid(field + ": '" + uri + "' names no directory; use file:DIR");
            }
            return new Local(Path.of(rest));
        }
        if (uri.contains("://") || uri.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            throw new Invalid(field + ": '" + uri + "' has an unknown scheme; use file:DIR or s3://BUCKET/PREFIX");
        }
        return new Local(Path.of(uri));
    }

    private static S3 s3(String uri, String field) {
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new Invalid(field + ": '" + uri + "' names no bucket; use s3://BUCKET/PREFIX");
        }
        if (!BUCKET.matcher(bucket).matches()
                || bucket.contains("..")
                || IP_ADDRESS.matcher(bucket).matches()
                || RESERVED_PREFIXES.stream().anyMatch(bucket::startsWith)
                || RESERVED_SUFFIXES.stream().anyMatch(bucket::endsWith)) {
            throw new Invalid(field + ": '" + bucket + "' is not an S3 bucket name (3 to 63 lowercase letters,"
                    + " digits, '.' and '-', beginning and ending with a letter or digit, no '..', not an IP"
                    + " address; S3 user guide, bucket naming rules)");
        }
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty()) {
            for (String segment : prefix.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new Invalid(field + ": '" + uri + "' has an empty, '.' or '..' part in its prefix; write"
                            + " the prefix plainly, e.g. s3://" + bucket + "/lifeboat");
                }
            }
            if (prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new Invalid(field + ": '" + uri + "' has a control character in its prefix");
            }
        }
        return new S3(bucket, prefix);
    }
}
