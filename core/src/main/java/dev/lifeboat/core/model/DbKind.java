package dev.lifeboat.core.model;

/** An RDS DB instance or an Aurora DB cluster. */
public enum DbKind {
    INSTANCE,
    CLUSTER
}
