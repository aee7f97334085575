package dev.lifeboat.protocol.request;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.lifeboat.protocol.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * How a payload becomes a request: one strict Jackson mapper. A field of the wrong JSON type is refused naming the
 * field, the type it needs and what was sent, never coerced ({@code "dryRun": "True"} once started a real restore
 * read as false); a field the kind does not take is refused naming the kind's fields; a field given twice is
 * refused; the values' own rules (a required field, {@code subnets} without {@code createNetwork}) are the records'.
 * Every message is in the payload's words.
 */
public final class Requests {
    /** The strict mapper: no scalar coercion, no unknown or duplicate fields, no trailing tokens. */
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .withCoercionConfig(
                    LogicalType.Textual,
                    c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(
                    LogicalType.Boolean,
                    c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(
                    LogicalType.Integer,
                    c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .addModule(new SimpleModule("lifeboat-moments")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addDeserializer(Instant.class, new MomentDeserializer()))
            .build();

    private static final String SEE = "see docs/runbook.md for a payload of each kind";

    private Requests() {}

    /** A payload's JSON, parsed strictly (a field given twice is refused): what a handler reads its input with. */
    public static JsonNode tree(InputStream in) {
        byte[] json;
        try {
            json = in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw notJson(e, () -> PLAIN.createParser(json));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@link #tree(InputStream)} for a payload in a string (a task's environment variable). */
    public static JsonNode tree(String json) {
        // A byte-order mark, which the byte reader skips, is skipped here too: one payload, one reading.
        String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw notJson(e, () -> PLAIN.createParser(text));
        }
    }

    /** The restore a payload asks for; a {@link BadRequest} in the payload's words when it cannot be used. */
    public static RestoreRequest restore(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new BadRequest("the payload is not a JSON object", SEE);
        }
        JsonNode from = payload.get("from");
        if (from == null || from.isNull()) {
            throw new BadRequest("field 'from' is missing", "valid: snapshot, dump");
        }
        if (!from.isTextual()) {
            throw new BadRequest("field 'from' must be a string (in quotes), not " + from, "valid: snapshot, dump");
        }
        Class<? extends RestoreRequest> kind = switch (from.asText()) {
            case "snapshot" -> SnapshotRestore.class;
            case "dump" -> payload.hasNonNull("createInstance") ? NewInstanceRestore.class : DumpRestore.class;
            default ->
                throw new BadRequest(
                        "field 'from': '" + from.asText() + "' is not a restore source", "valid: snapshot, dump");
        };
        if (payload.has("createInstance") && payload.get("createInstance").isNull()) {
            // Null is absent, for the field that chooses the kind as for every other.
            payload = ((com.fasterxml.jackson.databind.node.ObjectNode) payload.deepCopy()).without("createInstance");
        }
        RestoreRequest r = bind(payload, kind);
        if (r instanceof DumpRestore d && d.targetSecretArn() == null) {
            // A payload has no URL target (no password a function could prompt for): the secret is the target.
            throw new BadRequest("field 'targetSecretArn' is missing", SEE);
        }
        return r;
    }

    /**
     * A request of the backup function: a {@link RouteQuery} when it has {@code route}, else a {@link DumpRun}; a
     * {@link BadRequest} in the payload's words when it cannot be used.
     */
    public static BackupRequest backup(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new BadRequest(
                    "the input is not a JSON object", "invoke with {\"database\": \"<id>\"} or from a schedule");
        }
        return payload.has("route") ? bindAny(payload, RouteQuery.class) : bindAny(payload, DumpRun.class);
    }

    /**
     * The request as a payload. A dump restore whose target is a URL has none: a payload carries a secret, never a
     * URL (a function has no password for it), so it is refused rather than written without its target.
     */
    public static String json(Object request) {
        if (request instanceof DumpRestore d && d.target() != null) {
            throw new BadRequest(
                    "a restore into a " + dev.lifeboat.protocol.Param.TARGET + " URL cannot be written as a payload",
                    "name the target by its secret: " + dev.lifeboat.protocol.Param.TARGET_SECRET_ID);
        }
        try {
            return JSON.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a request did not serialise", e);
        }
    }

    /**
     * A request's fields as a sorted map, for a payload built around placeholders (a Step Functions path, a
     * scheduler's {@code <aws.scheduler.scheduled-time>}): the CDK app writes its state machines' inputs so.
     */
    public static java.util.SortedMap<String, Object> fields(BackupRequest request) {
        java.util.Map<String, Object> map = JSON.convertValue(
                request, new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() {});
        return new java.util.TreeMap<>(map);
    }

    static <T extends RestoreRequest> T bind(JsonNode payload, Class<T> kind) {
        return bind(payload, kind, RestoreRequest.fields(kind), RestoreRequest.kindOf(kind));
    }

    static <T extends BackupRequest> T bindAny(JsonNode payload, Class<T> kind) {
        return bind(
                payload,
                kind,
                fieldsOf(kind.asSubclass(Record.class)),
                kind == RouteQuery.class ? "a route request" : "a dump request");
    }

    /**
     * The fields a payload of {@code kind} may carry, sorted: every component but those a payload never carries
     * ({@link com.fasterxml.jackson.annotation.JsonIgnore}: the command line's URL target). One reading of a record for
     * every request, so what a payload may name and what is bound cannot differ.
     */
    static java.util.SortedSet<String> fieldsOf(Class<? extends Record> kind) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (java.lang.reflect.RecordComponent c : kind.getRecordComponents()) {
            if (!c.getAccessor().isAnnotationPresent(com.fasterxml.jackson.annotation.JsonIgnore.class)) {
                out.add(c.getName());
            }
        }
        return out;
    }

    private static <T> T bind(JsonNode payload, Class<T> kind, java.util.Set<String> fields, String kindInWords) {
        payload.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw new BadRequest(
                        "field '" + f + "' does not apply to " + kindInWords,
                        "valid fields: " + String.join(", ", fields));
            }
        });
        try {
            return JSON.treeToValue(payload, kind);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof BadRequest bad) {
                throw new BadRequest(
                        Vocabulary.PAYLOAD.render(bad.getMessage()),
                        bad.hint().isEmpty() ? SEE : Vocabulary.PAYLOAD.render(bad.hint()));
            }
            throw new IllegalStateException("a request could not be made", e);
        } catch (MismatchedInputException e) {
            throw wrongType(payload, e);
        } catch (JsonProcessingException e) {
            // A number too large for its field: the parser's exception has no path, so the payload says which.
            for (java.lang.reflect.RecordComponent c : kind.getRecordComponents()) {
                JsonNode v = payload.get(c.getName());
                if (c.getType() == Integer.class && v != null && v.isIntegralNumber() && !v.canConvertToInt()) {
                    throw new BadRequest(
                            "field '" + c.getName() + "' must be a whole number from " + Integer.MIN_VALUE + " to "
                                    + Integer.MAX_VALUE + ", not " + v,
                            SEE);
                }
            }
            throw notReadable(e);
        }
    }

    /** Which field, what it must be, what it was: from the exception's path and the payload itself. */
    private static BadRequest wrongType(JsonNode payload, MismatchedInputException e) {
        List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path = e.getPath();
        if (path.isEmpty() || path.get(0).getFieldName() == null) {
            return notReadable(e);
        }
        String field = path.get(0).getFieldName();
        JsonNode value = payload.get(field);
        if (path.size() > 1 && value != null && value.isArray()) {
            JsonNode item = value.get(path.get(1).getIndex());
            return new BadRequest(
                    "field '" + field + "' must hold only strings, not " + shown(item) + " in " + shown(value), SEE);
        }
        Class<?> type = e.getTargetType();
        String must;
        if (type == Boolean.class || type == boolean.class) {
            must = "must be true or false (a JSON boolean, without quotes)";
        } else if (type == Integer.class || type == int.class) {
            must = "must be a whole number (a JSON number, without quotes)";
        } else if (type != null && List.class.isAssignableFrom(type)) {
            must = "must be a list of strings, e.g. [\"sg-0123456789abcdef0\"]";
        } else if (type == Instant.class) {
            must = "must be a moment in ISO-8601 UTC, e.g. \"2026-12-05T22:59:30Z\"";
        } else {
            must = "must be a string (in quotes)";
        }
        return new BadRequest("field '" + field + "' " + must + ", not " + shown(value), SEE);
    }

    /**
     * What was sent, as far as a message may show it: a short scalar as it was written (the operator sees the
     * mistake), an object or a list only by its kind, as a payload may hold anything and the tasks log their errors.
     */
    private static String shown(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (item.isContainerNode() || item.toString().length() > 64) {
                    return "a list of " + value.size();
                }
            }
            return value.size() <= 8 ? value.toString() : "a list of " + value.size();
        }
        String s = value.toString();
        return s.length() <= 64 ? s : "a value of " + s.length() + " characters";
    }

    /** A reader that lets a field be given twice: to find which, after the strict one refused a payload. */
    private static final com.fasterxml.jackson.core.JsonFactory PLAIN = new com.fasterxml.jackson.core.JsonFactory();

    /** A field's name a message may repeat: a payload's own words are never echoed otherwise. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** A parser of the payload again, from its start. */
    private interface Reparse {
        JsonParser parser() throws IOException;
    }

    /**
     * JSON the strict reader refused: a field given twice, named when its name is a plain word (found by reading the
     * payload again, not from the parser's message, whose words may change); otherwise where it stops, never the token,
     * which may be anything a payload held.
     */
    private static BadRequest notJson(JsonProcessingException e, Reparse again) {
        String twice = duplicateField(again);
        if (twice != null) {
            return new BadRequest(
                    NAME.matcher(twice).matches()
                            ? "field '" + twice + "' is given twice; give it once"
                            : "a field is given twice" + at(e) + "; give each field once",
                    SEE);
        }
        return new BadRequest("the payload is not JSON" + at(e), SEE);
    }

    /** The first field given twice in one object of the payload; null when none is, or the payload stops first. */
    private static String duplicateField(Reparse again) {
        java.util.Deque<java.util.Set<String>> objects = new java.util.ArrayDeque<>();
        try (JsonParser p = again.parser()) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    objects.push(new java.util.HashSet<>());
                } else if (t == JsonToken.END_OBJECT) {
                    objects.pop();
                } else if (t == JsonToken.FIELD_NAME && !objects.element().add(p.currentName())) {
                    return p.currentName();
                }
            }
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
        return null;
    }

    /** A payload that parses but cannot be bound: where, never what. */
    private static BadRequest notReadable(JsonProcessingException e) {
        return new BadRequest("the payload could not be read" + at(e), SEE);
    }

    private static String at(JsonProcessingException e) {
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1
                ? ""
                : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** A moment: a JSON string in ISO-8601 UTC; anything else is a mismatched input naming the field. */
    private static final class MomentDeserializer extends StdScalarDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        MomentDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return Instant.parse(p.getText().strip());
            } catch (DateTimeParseException e) {
                throw InvalidFormatException.from(p, "not a moment", p.getText(), Instant.class);
            }
        }
    }
}
