package dev.lifeboat.core.model;

/**
 * Where lifeboat.yml asks a database's scheduled dumps to run (issue 13): in the dump function ({@code lambda}, the
 * default), as an ECS Fargate task ({@code fargate}), or by their last duration and size ({@code auto}).
 */
public enum RunOn {
    LAMBDA,
    FARGATE,
    AUTO;

    /** The share of Lambda's 15 minutes past which {@code auto} moves a database to Fargate, unless configured. */
    public static final double DEFAULT_FARGATE_SHARE = 0.5;
}
