package dev.lifeboat.protocol.request;

import dev.lifeboat.protocol.Param;

/**
 * Where would a dump of {@code database} run, Lambda or Fargate ({@code {"route": true, "database": ID}}): the
 * scheduled-dump state machine asks before each dump.
 */
public record RouteQuery(boolean route, String database) implements BackupRequest {
    public RouteQuery {
        if (!route) {
            throw new BadRequest("field 'route' must be true in a route request", "leave it out to ask for a dump");
        }
        database = Fields.required(database, Param.DATABASE);
    }

    public static RouteQuery of(String database) {
        return new RouteQuery(true, database);
    }
}
