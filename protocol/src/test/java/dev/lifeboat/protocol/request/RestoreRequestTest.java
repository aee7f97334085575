package dev.lifeboat.protocol.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Vocabulary;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The restore requests read from payloads: every field of every kind is asked about, from the records' own
 * components, so a field added later is covered without a line here.
 */
class RestoreRequestTest {
    /** A payload of each kind with every field set to a value of its type (not the default). */
    private static ObjectNode full(Class<? extends RestoreRequest> kind) {
        ObjectNode n = Requests.JSON.createObjectNode();
        n.put("from", kind == SnapshotRestore.class ? "snapshot" : "dump");
        for (RecordComponent c : kind.getRecordComponents()) {
            if (c.getName().equals("target")) {
                continue; // the command line's URL: no payload carries it
            }
            Class<?> t = c.getType();
            if (t == String.class) {
                n.put(c.getName(), c.getName() + "-value");
            } else if (t == boolean.class || t == Boolean.class) {
                n.put(c.getName(), !c.getName().equals("deletionProtection"));
            } else if (t == Integer.class) {
                n.put(c.getName(), 3);
            } else if (t == List.class) {
                n.putArray(c.getName()).add(c.getName() + "-1").add(c.getName() + "-2");
            } else if (t == Instant.class) {
                n.put(c.getName(), "2026-12-05T22:59:30Z");
            } else {
                throw new AssertionError("a field of a type this test does not know: " + c);
            }
        }
        if (kind == NewInstanceRestore.class) {
            n.put("createNetwork", true); // subnets are given, and belong to a created network
        }
        if (kind == DumpRestore.class) {
            n.put("allowNonEmptyTarget", false); // toTime is given: into a new or empty database only
        }
        return n;
    }

    @Test
    void everyKind_readsEveryField_andWritesBackTheSameRequest() {
        for (Class<? extends RestoreRequest> kind : RestoreRequest.kinds()) {
            ObjectNode payload = full(kind);
            RestoreRequest r = RestoreRequest.read(payload);
            assertThat(r).isInstanceOf(kind);
            JsonNode written = Requests.tree(RestoreRequest.json(r));
            assertThat(written).as("%s written back", kind.getSimpleName()).isEqualTo(payload);
            assertThat(RestoreRequest.read(written)).isEqualTo(r);
        }
    }

    @Test
    void everyField_ofTheWrongJsonType_isRefusedNamingTheFieldAndWhatWasSent() {
        int asked = 0;
        for (Class<? extends RestoreRequest> kind : RestoreRequest.kinds()) {
            for (RecordComponent c : kind.getRecordComponents()) {
                if (c.getName().equals("target")) {
                    continue;
                }
                for (JsonNode wrong : wrongValues(c.getType())) {
                    ObjectNode payload = full(kind);
                    payload.set(c.getName(), wrong);
                    assertThatThrownBy(() -> RestoreRequest.read(payload))
                            .as("%s.%s = %s", kind.getSimpleName(), c.getName(), wrong)
                            .isInstanceOf(BadRequest.class)
                            .hasMessageStartingWith("field '" + c.getName() + "' must ")
                            .hasMessageContaining(wrong.isObject() ? "an object" : wrong.toString());
                    asked++;
                }
            }
        }
        assertThat(asked).isGreaterThan(100);
    }

    private static List<JsonNode> wrongValues(Class<?> type) {
        var f = Requests.JSON.getNodeFactory();
        if (type == String.class) {
            return List.of(f.numberNode(123), f.booleanNode(true), f.arrayNode().add("x"), f.objectNode());
        }
        if (type == boolean.class || type == Boolean.class) {
            return List.of(f.textNode("True"), f.textNode("yes"), f.numberNode(1), f.arrayNode());
        }
        if (type == Integer.class) {
            return List.of(f.textNode("3"), f.numberNode(2.5), f.booleanNode(true), f.numberNode(1L << 40));
        }
        if (type == List.class) {
            return List.of(f.textNode("sg-x"), f.arrayNode().add(1), f.objectNode());
        }
        if (type == Instant.class) {
            return List.of(f.numberNode(5), f.textNode("yesterday"), f.textNode("2026-12-05 22:59"));
        }
        throw new AssertionError(type);
    }

    @Test
    void aFieldOfAnotherKind_isRefusedNamingTheKindsFields() {
        Set<String> all = new HashSet<>();
        RestoreRequest.kinds().forEach(k -> all.addAll(RestoreRequest.fields(k)));
        int asked = 0;
        for (Class<? extends RestoreRequest> kind : RestoreRequest.kinds()) {
            Set<String> own = RestoreRequest.fields(kind);
            for (String field : all) {
                if (own.contains(field) || field.equals("createInstance")) {
                    continue; // createInstance chooses the kind
                }
                ObjectNode payload = full(kind);
                payload.put(field, "x");
                assertThatThrownBy(() -> RestoreRequest.read(payload))
                        .as("%s with %s", kind.getSimpleName(), field)
                        .isInstanceOf(BadRequest.class)
                        .hasMessage("field '" + field + "' does not apply to "
                                + RestoreRequest.read(full(kind)).kind())
                        .satisfies(e -> assertThat(((BadRequest) e).hint())
                                .isEqualTo("valid fields: " + String.join(", ", own)));
                asked++;
            }
        }
        assertThat(asked).isGreaterThan(20);
    }

    /** The command line's URL target is not a payload's: a function has no password to prompt for. */
    @Test
    void aUrlTarget_isNotAPayloadField() {
        ObjectNode payload = full(DumpRestore.class);
        payload.put("target", "postgresql://u@h/db");
        assertThatThrownBy(() -> RestoreRequest.read(payload))
                .hasMessage("field 'target' does not apply to a dump restore");
        ObjectNode noSecret = full(DumpRestore.class);
        noSecret.remove("targetSecretArn");
        assertThatThrownBy(() -> RestoreRequest.read(noSecret)).hasMessage("field 'targetSecretArn' is missing");
    }

    @Test
    void aFieldGivenTwice_isRefused_notResolvedByWhicheverCameLast() {
        assertThatThrownBy(() ->
                        Requests.tree("{\"from\": \"snapshot\", \"database\": \"orders\", \"targetInstance\": \"x\","
                                + " \"dryRun\": true, \"dryRun\": false}"))
                .isInstanceOf(BadRequest.class)
                .hasMessageContaining("dryRun");
        assertThatThrownBy(() -> Requests.tree("{\"from\": \"snapshot\"} {}")).isInstanceOf(BadRequest.class);
        assertThatThrownBy(() -> Requests.tree("{\"from\": "))
                .isInstanceOf(BadRequest.class)
                .hasMessageStartingWith("the payload is not JSON");
    }

    @Test
    void missingAndEmptyRequiredFields_andUnknownSources_areRefusedByName() {
        assertThatThrownBy(() -> RestoreRequest.read(Requests.tree("{\"database\": \"orders\"}")))
                .hasMessage("field 'from' is missing");
        assertThatThrownBy(() -> RestoreRequest.read(Requests.tree("{\"database\": \"orders\", \"from\": \"tape\"}")))
                .hasMessage("field 'from': 'tape' is not a restore source");
        assertThatThrownBy(
                        () -> RestoreRequest.read(Requests.tree("{\"from\": \"snapshot\", \"targetInstance\": \"x\"}")))
                .hasMessage("field 'database' is missing");
        assertThatThrownBy(
                        () -> RestoreRequest.read(Requests.tree("{\"from\": \"snapshot\", \"database\": \"orders\"}")))
                .hasMessage("field 'targetInstance' is missing");
        assertThatThrownBy(() -> RestoreRequest.read(
                        Requests.tree("{\"from\": \"snapshot\", \"database\": \" \", \"targetInstance\": \"x\"}")))
                .hasMessage("field 'database' is empty");
        assertThatThrownBy(() -> RestoreRequest.read(Requests.tree("[1]")))
                .hasMessage("the payload is not a JSON object");
        assertThatThrownBy(() -> RestoreRequest.read(
                        Requests.tree("{\"from\": \"snapshot\", \"database\": \"orders\", \"targetInstance\": \"x\","
                                + " \"securityGroups\": [\"sg-1\", \" \"]}")))
                .hasMessage("field 'securityGroups' holds an empty entry");
    }

    @Test
    void theValuesOwnRules_areTheRecords_andSpeakEachFrontEndsWords() {
        assertThatThrownBy(() -> SnapshotRestore.builder()
                        .database("orders")
                        .targetInstance("x")
                        .subnets(List.of("subnet-1"))
                        .build())
                .isInstanceOfSatisfying(BadRequest.class, e -> {
                    assertThat(Vocabulary.COMMAND_LINE.render(e.getMessage()))
                            .isEqualTo("--subnet belongs to --create-network");
                    assertThat(Vocabulary.PAYLOAD.render(e.getMessage()))
                            .isEqualTo("field 'subnets' belongs to field 'createNetwork'");
                });
        assertThatThrownBy(() -> RestoreRequest.read(Requests.tree("{\"from\": \"dump\", \"database\": \"orders\","
                        + " \"targetSecretArn\": \"arn\", \"jobs\": 0}")))
                .hasMessage("field 'jobs' must be 1 or more, not 0");
        assertThatThrownBy(() -> DumpRestore.builder()
                        .database("orders")
                        .target("postgresql://u@h/db")
                        .targetSecretArn("arn")
                        .build())
                .satisfies(e -> assertThat(Vocabulary.COMMAND_LINE.render(e.getMessage()))
                        .isEqualTo("give --target or --target-secret-id, not both"));
        assertThatThrownBy(() -> DumpRestore.builder()
                        .database("orders")
                        .targetSecretArn("arn")
                        .toTime(Instant.parse("2026-12-05T22:59:30Z"))
                        .allowNonEmptyTarget(true)
                        .build())
                .satisfies(e -> assertThat(Vocabulary.COMMAND_LINE.render(e.getMessage()))
                        .contains("--to-time restores into a new or empty database"));
    }

    @Test
    void defaults_areTheSameWhereverTheRequestComesFrom() {
        SnapshotRestore read = (SnapshotRestore) RestoreRequest.read(
                Requests.tree("{\"from\": \"snapshot\", \"database\": \"orders\", \"targetInstance\": \"x\","
                        + " \"backup\": \"\", \"multiAz\": null}"));
        SnapshotRestore built =
                SnapshotRestore.builder().database("orders").targetInstance("x").build();
        assertThat(read).isEqualTo(built);
        assertThat(read.backup()).isEqualTo("latest");
        assertThat(read.deletionProtection()).isTrue();
        assertThat(read.multiAz()).isNull();
    }

    /**
     * Every payload field has a command-line flag ({@link Param}), so every option is reachable from both; and every
     * Param that names a field names one some kind takes.
     */
    @Test
    void everyPayloadField_isAParam_andEveryParamsFieldIsAPayloadField() {
        Set<String> fields = new HashSet<>();
        RestoreRequest.kinds().forEach(k -> fields.addAll(RestoreRequest.fields(k)));
        Set<String> paramFields = new HashSet<>();
        Arrays.stream(Param.values()).map(Param::field).filter(f -> f != null).forEach(paramFields::add);
        List<String> noFlag = new ArrayList<>(fields);
        noFlag.removeAll(paramFields);
        noFlag.remove("target"); // the URL: Param.TARGET is its flag, and names the secret in a payload
        assertThat(noFlag).as("payload fields no Param names").isEmpty();
        List<String> noField = new ArrayList<>(paramFields);
        noField.removeAll(fields);
        assertThat(noField).as("Param fields no request takes").isEmpty();
    }
}
