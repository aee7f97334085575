package dev.lifeboat.adapters.tls;

import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Tls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * One {@link Tls} setting, said the way each client understands it: libpq's environment for pg_dump and
 * pg_restore, pgjdbc's properties, the MariaDB client's options for mariadb-dump and mariadb, and MariaDB
 * Connector/J's properties. The same target gets the same protection from the JDBC preflight and from the
 * tool that moves the data.
 */
public final class TlsSettings {
    /** Where the functions' images put the RDS CA bundle (the Dockerfiles set it too). */
    public static final String DEFAULT_BUNDLE = "/opt/lifeboat/rds-global-bundle.pem";

    public static final String BUNDLE_VARIABLE = "LIFEBOAT_RDS_CA_BUNDLE";

    private TlsSettings() {}

    /**
     * The CA bundle a verifying mode checks the server against: the target's own, else the RDS bundle.
     *
     * @throws DatabaseAccessException when the file is not there, saying how to give one
     */
    public static Path caBundle(DatabaseTarget target) {
        Tls tls = target.tls();
        String configured = System.getenv(BUNDLE_VARIABLE);
        String path = tls.caBundle() != null
                ? tls.caBundle()
                : configured != null && !configured.isBlank() ? configured : DEFAULT_BUNDLE;
        Path p = Path.of(path);
        if (!Files.isReadable(p)) {
            throw new DatabaseAccessException(
                    "cannot verify the TLS certificate of " + target.describe() + " (" + tls.describe() + "): the CA"
                            + " bundle " + p + " is not there",
                    "give the CAs to trust with sslrootcert=PEM-FILE in the URL, or set " + BUNDLE_VARIABLE
                            + " to the RDS bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem);"
                            + " sslmode=require encrypts without verifying");
        }
        return p;
    }

    /**
     * Whether a client's error text speaks of the TLS handshake: the certificate, the host-name check, or
     * TLS itself. pgjdbc, Connector/J, libpq and the MariaDB client each say it their own way.
     */
    public static boolean speaksOfTls(String text) {
        String m = text == null ? "" : text.toLowerCase(Locale.ROOT);
        return m.contains("hostnameverifier") || m.contains("certificate") || m.contains("ssl") || m.contains("tls");
    }

    /** What to do when the server's certificate was refused; {@code tls} the setting, or null when not known. */
    public static String refusedHint(Tls tls) {
        return "the TLS connection was refused" + (tls == null ? "" : " (" + tls.describe() + ")")
                + ": the server's certificate must be signed by a CA in the bundle and issued to the host connected"
                + " to (the RDS endpoint, not an IP address or a CNAME); give the right CAs with sslrootcert=PEM-FILE"
                + " (or LIFEBOAT_RDS_CA_BUNDLE), or sslmode=require to encrypt without verifying";
    }

    /** PGSSLMODE and, for a verifying mode, PGSSLROOTCERT: for pg_dump and pg_restore. */
    public static Map<String, String> libpqEnvironment(DatabaseTarget target) {
        Map<String, String> env = new HashMap<>();
        env.put("PGSSLMODE", target.tls().mode().wire());
        if (target.tls().mode().verifies()) {
            env.put("PGSSLROOTCERT", caBundle(target).toString());
        }
        return env;
    }

    /** pgjdbc's sslmode and sslrootcert. */
    public static void pgjdbc(Properties p, DatabaseTarget target) {
        p.setProperty("sslmode", target.tls().mode().wire());
        if (target.tls().mode().verifies()) {
            p.setProperty("sslrootcert", caBundle(target).toString());
        }
    }

    /**
     * The MariaDB client's options (mariadb-dump, mariadb 10.11). It has no "verify the CA only": both
     * verifying modes check the CA and the name. Nor does it refuse a server without TLS under
     * {@code --ssl}; Lifeboat's JDBC preflight, which does ({@code sslMode=trust}), runs first.
     */
    public static List<String> mariadbClientArgs(DatabaseTarget target) {
        List<String> args = new ArrayList<>();
        switch (target.tls().mode()) {
            case DISABLE -> args.add("--skip-ssl");
            case PREFER -> {
                // the client's default: TLS when the server offers it, unverified
            }
            case REQUIRE -> args.add("--ssl");
            case VERIFY_CA, VERIFY_FULL -> {
                args.add("--ssl-ca=" + caBundle(target));
                args.add("--ssl-verify-server-cert");
            }
        }
        return args;
    }

    /** MariaDB Connector/J's sslMode and serverSslCert; prefer connects without TLS (it has no "prefer"). */
    public static void mariadbJdbc(Properties p, DatabaseTarget target) {
        switch (target.tls().mode()) {
            case DISABLE, PREFER -> p.setProperty("sslMode", "disable");
            case REQUIRE -> p.setProperty("sslMode", "trust");
            case VERIFY_CA -> p.setProperty("sslMode", "verify-ca");
            case VERIFY_FULL -> p.setProperty("sslMode", "verify-full");
        }
        if (target.tls().mode().verifies()) {
            p.setProperty("serverSslCert", caBundle(target).toString());
        }
    }
}
