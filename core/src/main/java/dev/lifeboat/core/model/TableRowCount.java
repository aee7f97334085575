package dev.lifeboat.core.model;

/**
 * Rows of one table when the dump started. {@code exact} is false when the table was larger than the
 * configured threshold and the count is the planner's estimate (pg_class.reltuples,
 * information_schema.tables.table_rows), so a verification compares it with a tolerance.
 */
public record TableRowCount(String schema, String table, long rows, boolean exact) {}
