package com.clinic.tokenworker.simulator;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A parsed JSON object request body; string fields only, because every Fullscript OAuth parameter is a string. */
final class JsonBody {

    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    /** Empty when the body is not a JSON object: the caller answers {@code invalid_request}. */
    static Optional<JsonBody> parse(JsonMapper mapper, byte[] raw) {
        if (raw.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = mapper.readTree(raw);
            return node != null && node.isObject() ? Optional.of(new JsonBody(node)) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** Null when absent, not a string, or blank; the server treats all three as "missing". */
    String string(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.stringValue().isBlank()) {
            return null;
        }
        return value.stringValue();
    }
}
