package dev.lifeboat.protocol;

/** The tags Lifeboat puts on every snapshot it makes; retention only ever touches snapshots carrying them. */
public final class Tags {
    /** Every Lifeboat tag key starts with it; production's own tags under it are not carried over by a restore. */
    public static final String PREFIX = "lifeboat:";

    public static final String MANAGED_BY = "lifeboat:managed-by";
    /** On what a restore makes besides the database (parameter, subnet and security groups): the new identifier. */
    public static final String RESTORE = "lifeboat:restore";

    public static final String DATABASE = "lifeboat:database";
    public static final String SOURCE_ACCOUNT = "lifeboat:source-account";
    public static final String SOURCE_REGION = "lifeboat:source-region";
    public static final String SOURCE_IDENTIFIER = "lifeboat:source-identifier";
    /** For people: when the source was taken, from RDS's stamps. Nothing decides on it (production could forge it). */
    public static final String SOURCE_SNAPSHOT_TIME = "lifeboat:source-snapshot-time";

    /**
     * On every copy: the resource id (DbiResourceId, DbClusterResourceId) of the database the run backs up, written
     * in the backup account. RDS keeps the data's own resource id on every copy; retention and freshness count a copy
     * only when the two agree (a copy of a planted snapshot does not).
     */
    public static final String SOURCE_RESOURCE_ID = "lifeboat:source-resource-id";

    public static final String ENGINE = "lifeboat:engine";
    public static final String ENGINE_VERSION = "lifeboat:engine-version";
    public static final String RUN = "lifeboat:run";
    public static final String ROLE = "lifeboat:role";
    /**
     * On a verification run's throwaway instance: the copy it was restored from. Retention never deletes a
     * copy a verification instance names (no function retags copies, so the mark is on the instance).
     */
    public static final String VERIFYING_COPY = "lifeboat:verifying-copy";

    /**
     * On a verification run's throwaway instance: the only instances the verification role may modify
     * or delete (an IAM condition in {@link Policies}), and the sweeper's mark.
     */
    public static final String VERIFICATION = "lifeboat:verification";

    /** On a verification run's throwaway instance: when the sweeper may delete it. */
    public static final String EXPIRES_AT = "lifeboat:expires-at";

    private Tags() {}
}
