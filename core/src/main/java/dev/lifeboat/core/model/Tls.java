package dev.lifeboat.core.model;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a connection to a database is encrypted, in PostgreSQL's words ({@code sslmode}), for both engines:
 *
 * <ul>
 *   <li>{@code disable}: no TLS;
 *   <li>{@code prefer}: TLS when the server offers it, unverified (the default for loopback hosts only);
 *   <li>{@code require}: TLS or no connection, the server's certificate unverified;
 *   <li>{@code verify-ca}: TLS, the certificate signed by the CA bundle;
 *   <li>{@code verify-full}: as verify-ca, and issued to the host connected to (the default elsewhere:
 *       RDS enforces TLS on current engine versions, and a backup tool must not hand a production
 *       password to whoever answers on the network).
 * </ul>
 *
 * {@code caBundle}: the PEM file of the CAs to trust; null means the RDS CA bundle the functions' images
 * ship ({@code LIFEBOAT_RDS_CA_BUNDLE}).
 */
public record Tls(Mode mode, String caBundle) {

    public enum Mode {
        DISABLE,
        PREFER,
        REQUIRE,
        VERIFY_CA,
        VERIFY_FULL;

        /** The spelling of sslmode: {@code verify-full}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        /**
         * Reads a mode as sslmode spells it.
         *
         * @throws InvalidInputException naming the valid values
         */
        public static Mode parse(String field, String text) {
            return Arrays.stream(values())
                    .filter(m -> m.wire().equals(text))
                    .findFirst()
                    .orElseThrow(() -> new InvalidInputException(field + " '" + text + "' is not a TLS mode; use"
                            + " one of: disable, prefer, require, verify-ca, verify-full"));
        }
    }

    public Tls {
        if (mode == null) {
            throw new InvalidInputException("the TLS mode is missing");
        }
        caBundle = caBundle == null || caBundle.isBlank() ? null : caBundle;
    }

    /** {@code prefer} for a loopback host (a tunnel, a local test server), {@code verify-full} for any other. */
    public static Tls defaultFor(String host) {
        return new Tls(isLoopback(host) ? Mode.PREFER : Mode.VERIFY_FULL, null);
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /** For messages: {@code sslmode=verify-full}, with the bundle when one was given. */
    public String describe() {
        return "sslmode=" + mode.wire() + (caBundle == null ? "" : " sslrootcert=" + caBundle);
    }
}
