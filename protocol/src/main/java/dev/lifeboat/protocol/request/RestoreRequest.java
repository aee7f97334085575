package dev.lifeboat.protocol.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * A restore, as every front end asks for it: the restore function's payload and the Fargate task's
 * {@code LIFEBOAT_RESTORE} read it ({@link #read}), {@code lifeboat restore} fills a builder, and core turns it into
 * its commands in one place each. It carries a reference to the target (an identifier, a secret, a URL), never a
 * resolved one: each front end resolves it with what it has.
 *
 * <p>Three kinds: {@link SnapshotRestore} ({@code "from": "snapshot"}), {@link DumpRestore} ({@code "from": "dump"})
 * and {@link NewInstanceRestore} ({@code "from": "dump"} with {@code createInstance}: a new, empty instance in the
 * recorded shape, then the dump loaded into it). A field of one kind given to another is refused by name.
 */
public sealed interface RestoreRequest permits SnapshotRestore, DumpRestore, NewInstanceRestore {
    /** The backup every kind restores when none is named. */
    String LATEST = "latest";

    /** The database's id in lifeboat.yml and in the vault. */
    String database();

    /** A snapshot or dump id, {@link #LATEST}, or (snapshots) {@code before:TIME}. */
    String backup();

    /** Check and plan; change nothing. */
    boolean dryRun();

    /** The payload's {@code from}: {@code snapshot} or {@code dump}. */
    @JsonProperty("from")
    String from();

    /** The kind in words, for messages: {@code "a snapshot restore"}. */
    @JsonIgnore
    default String kind() {
        return kindOf(getClass());
    }

    /** A payload read strictly: see {@link Requests#restore(JsonNode)}. */
    static RestoreRequest read(JsonNode payload) {
        return Requests.restore(payload);
    }

    /** The request as a payload: what {@link #read} reads back to an equal request. */
    static String json(RestoreRequest request) {
        return Requests.json(request);
    }

    /**
     * The fields a payload of this kind may carry, {@code from} included, sorted: every component but those a
     * payload never carries ({@link JsonIgnore}: the command line's URL target).
     */
    static Set<String> fields(Class<? extends RestoreRequest> kind) {
        Set<String> out = Requests.fieldsOf(kind.asSubclass(Record.class));
        out.add("from");
        return out;
    }

    /** A kind in words, for messages: {@code "a dump restore"}. */
    static String kindOf(Class<? extends RestoreRequest> kind) {
        if (kind == SnapshotRestore.class) {
            return "a snapshot restore";
        }
        return kind == DumpRestore.class ? "a dump restore" : "a restore into a new instance";
    }

    /** The three kinds. */
    static List<Class<? extends RestoreRequest>> kinds() {
        return List.of(SnapshotRestore.class, DumpRestore.class, NewInstanceRestore.class);
    }
}
