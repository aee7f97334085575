package dev.lifeboat.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The options a request to Lifeboat can carry, by identifier. Core names an option only so (its messages
 * say {@code "pass " + Param.CREATE + " to create it"}), and each front end says it in its own words through
 * a {@link Vocabulary}: a flag on the command line, a field of a Lambda or task payload. An option a front
 * end does not take is named as the command line's, saying so, never as a field that does not exist.
 *
 * <p>{@code ParamTest} (cli) checks every flag here against the command line's own options and fails on a
 * Lifeboat flag written as a literal in core's main sources (outside the guard, which reads other tools');
 * {@code RestoreHandlerTest.everyParamsPayloadField_isAFieldOfARestorePayload} checks every field.
 */
public enum Param {
    ALLOW_DELETES("--allow-deletes", null),
    ALLOW_NON_EMPTY_TARGET("--allow-non-empty-target", "allowNonEmptyTarget"),
    BACKUP("--backup", "backup"),
    CONFIG("--config", null),
    CREATE("--create", "create"),
    CREATE_INSTANCE("--create-instance", "createInstance"),
    CREATE_NETWORK("--create-network", "createNetwork"),
    DATABASE("--database", "database"),
    DROP_PARAMETER("--drop-parameter", "dropParameters"),
    DRY_RUN("--dry-run", "dryRun"),
    FROM("--from", "from"),
    INSTANCE_CLASS("--instance-class", "instanceClass"),
    JOBS("--jobs", "jobs"),
    KEEP_OWNERSHIP("--keep-ownership", "keepOwnership"),
    MULTI_AZ("--multi-az", "multiAz"),
    NO_DELETION_PROTECTION("--no-deletion-protection", "deletionProtection"),
    NO_SHAPE("--no-shape", "noShape"),
    OPTION_GROUP("--option-group", "optionGroup"),
    PARAMETER_GROUP("--parameter-group", "parameterGroup"),
    SECRET_ID("--secret-id", null),
    SECURITY_GROUP("--security-group", "securityGroups"),
    SINGLE_TRANSACTION("--single-transaction", "singleTransaction"),
    SNAPSHOTS("--snapshots", null),
    SOURCE("--source", null),
    SUBNET("--subnet", "subnets"),
    SUBNET_GROUP("--subnet-group", "subnetGroup"),
    TARGET("--target", "targetSecretArn"),
    TARGET_DATABASE("--target-database", "targetDatabase"),
    TARGET_ACCOUNT("--target-account", "targetAccount"),
    TARGET_INSTANCE("--target-instance", "targetInstance"),
    TARGET_KMS_KEY("--target-kms-key", "targetKmsKeyArn"),
    TARGET_REGION("--target-region", "targetRegion"),
    TARGET_SECRET_ID("--target-secret-id", "targetSecretArn"),
    TIMEOUT_MINUTES("--timeout-minutes", "timeoutMinutes"),
    TO_TIME("--to-time", "toTime"),
    VAULT("--vault", null),
    WAIT("--wait", null);

    /** Brackets an option's identifier inside a text until a {@link Vocabulary} renders it (U+2060, invisible). */
    static final char MARK = '\u2060';

    private final String flag;
    private final String field;

    Param(String flag, String field) {
        this.flag = flag;
        this.field = field;
    }

    /** The command line's flag, e.g. {@code --create}. */
    public String flag() {
        return flag;
    }

    /** The payload field of the functions and tasks, or null where a payload has none. */
    public String field() {
        return field;
    }

    /**
     * The option inside a text, for a front end to render. Text left unrendered shows the flag between two
     * invisible word joiners, so a slip never shows an identifier nobody can use.
     */
    @Override
    public String toString() {
        return MARK + flag + MARK;
    }

    /**
     * A command line to run, written out (an alert or an audit finding tells a person what to type, whatever
     * front end carried it): {@code command("prune", DATABASE, "orders", DRY_RUN)} is
     * {@code lifeboat prune --database orders --dry-run}.
     */
    public static String command(String subcommand, Object... words) {
        List<String> out = new ArrayList<>(List.of("lifeboat", subcommand));
        for (Object w : words) {
            out.add(w instanceof Param p ? p.flag : String.valueOf(w));
        }
        return String.join(" ", out);
    }

    /** The option whose flag is {@code flag}, or null. */
    public static Param byFlag(String flag) {
        for (Param p : values()) {
            if (p.flag.equals(flag)) {
                return p;
            }
        }
        return null;
    }
}
