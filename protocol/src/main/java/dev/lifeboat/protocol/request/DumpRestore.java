package dev.lifeboat.protocol.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.lifeboat.protocol.Param;
import java.time.Instant;

/**
 * A dump from the vault loaded into a database that exists ({@code "from": "dump"}), or one it creates with
 * {@code create}. The target is a reference: {@code targetSecretArn} (a Secrets Manager secret in the RDS format,
 * with {@code targetDatabase} naming another database on that server) or, on the command line only,
 * {@code target}, a URL whose password comes from the machine's own credentials. With {@code toTime}, the dump
 * before that moment and then the archived changes up to it (the command line; the functions refuse it by name).
 */
@JsonIgnoreProperties(value = "from", allowGetters = true)
public record DumpRestore(
        String database,
        String backup,
        boolean dryRun,
        String targetSecretArn,
        @JsonIgnore String target,
        String targetDatabase,
        boolean create,
        boolean allowNonEmptyTarget,
        boolean singleTransaction,
        Integer jobs,
        boolean keepOwnership,
        Instant toTime,
        Integer timeoutMinutes)
        implements RestoreRequest {
    public DumpRestore {
        database = Fields.required(database, Param.DATABASE);
        backup = Fields.backup(backup);
        targetSecretArn = Fields.name(targetSecretArn);
        target = Fields.name(target);
        targetDatabase = Fields.name(targetDatabase);
        if (target != null && targetSecretArn != null) {
            throw new BadRequest("give " + Param.TARGET + " or " + Param.TARGET_SECRET_ID + ", not both", Fields.SEE);
        }
        if (target != null && targetDatabase != null) {
            throw new BadRequest(
                    Param.TARGET_DATABASE + " goes with " + Param.TARGET_SECRET_ID + "; a " + Param.TARGET
                            + " URL names its database in its path",
                    "put the database in the URL's path, or leave out " + Param.TARGET_DATABASE);
        }
        jobs = Fields.atLeastOne(jobs, Param.JOBS);
        timeoutMinutes = Fields.atLeastOne(timeoutMinutes, Param.TIMEOUT_MINUTES);
        if (toTime != null && allowNonEmptyTarget) {
            throw new BadRequest(
                    Param.TO_TIME + " restores into a new or empty database; leave out " + Param.ALLOW_NON_EMPTY_TARGET,
                    Fields.SEE);
        }
    }

    @Override
    public String from() {
        return "dump";
    }

    /** As a record prints itself, with a URL target's password (if one was typed into it) hidden. */
    @Override
    public String toString() {
        return "DumpRestore[database=" + database + ", backup=" + backup + ", dryRun=" + dryRun + ", targetSecretArn="
                + targetSecretArn + ", target=" + Fields.withoutPassword(target) + ", targetDatabase=" + targetDatabase
                + ", create=" + create + ", allowNonEmptyTarget=" + allowNonEmptyTarget + ", singleTransaction="
                + singleTransaction + ", jobs=" + jobs + ", keepOwnership=" + keepOwnership + ", toTime=" + toTime
                + ", timeoutMinutes=" + timeoutMinutes + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For front ends that gather the values one by one (the command line's options). */
    public static final class Builder {
        private String database;
        private String backup;
        private boolean dryRun;
        private String targetSecretArn;
        private String target;
        private String targetDatabase;
        private boolean create;
        private boolean allowNonEmptyTarget;
        private boolean singleTransaction;
        private Integer jobs;
        private boolean keepOwnership;
        private Instant toTime;
        private Integer timeoutMinutes;

        private Builder() {}

        public Builder database(String v) {
            database = v;
            return this;
        }

        public Builder backup(String v) {
            backup = v;
            return this;
        }

        public Builder dryRun(boolean v) {
            dryRun = v;
            return this;
        }

        public Builder targetSecretArn(String v) {
            targetSecretArn = v;
            return this;
        }

        public Builder target(String v) {
            target = v;
            return this;
        }

        public Builder targetDatabase(String v) {
            targetDatabase = v;
            return this;
        }

        public Builder create(boolean v) {
            create = v;
            return this;
        }

        public Builder allowNonEmptyTarget(boolean v) {
            allowNonEmptyTarget = v;
            return this;
        }

        public Builder singleTransaction(boolean v) {
            singleTransaction = v;
            return this;
        }

        public Builder jobs(Integer v) {
            jobs = v;
            return this;
        }

        public Builder keepOwnership(boolean v) {
            keepOwnership = v;
            return this;
        }

        public Builder toTime(Instant v) {
            toTime = v;
            return this;
        }

        public Builder timeoutMinutes(Integer v) {
            timeoutMinutes = v;
            return this;
        }

        public DumpRestore build() {
            return new DumpRestore(
                    database,
                    backup,
                    dryRun,
                    targetSecretArn,
                    target,
                    targetDatabase,
                    create,
                    allowNonEmptyTarget,
                    singleTransaction,
                    jobs,
                    keepOwnership,
                    toTime,
                    timeoutMinutes);
        }
    }
}
