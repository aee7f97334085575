package dev.lifeboat.protocol;

/** The tags Lifeboat puts on every snapshot it makes; retention only ever touches snapshots carrying them. */
public final class Tags {
    public static final String MANAGED_BY = "lifeboat:managed-by";
    public static final String DATABASE = "lifeboat:database";
    public static final String SOURCE_ACCOUNT = "lifeboat:source-account";
    public static final String SOURCE_REGION = "lifeboat:source-region";
    public static final String SOURCE_IDENTIFIER = "lifeboat:source-identifier";
    public static final String SOURCE_SNAPSHOT_TIME = "lifeboat:source-snapshot-time";
    public static final String ENGINE = "lifeboat:engine";
    public static final String ENGINE_VERSION = "lifeboat:engine-version";
    public static final String RUN = "lifeboat:run";
    public static final String ROLE = "lifeboat:role";
    /** Set by a verification run on the copy it restores; retention never deletes such a copy. */
    public static final String VERIFICATION_IN_USE = "lifeboat:verification-in-use";

    /**
     * On a verification run's throwaway instance: the only instances the verification role may modify
     * or delete (an IAM condition in {@link Policies}), and the sweeper's mark.
     */
    public static final String VERIFICATION = "lifeboat:verification";

    /** On a verification run's throwaway instance: when the sweeper may delete it. */
    public static final String EXPIRES_AT = "lifeboat:expires-at";

    private Tags() {}
}
