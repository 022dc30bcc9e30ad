package io.fulmen.mlflow;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.mlflow_project.google.protobuf.Descriptors.Descriptor;
import org.mlflow_project.google.protobuf.Descriptors.FieldDescriptor;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

import java.math.BigInteger;
import java.util.Map;

/** MLflow's JSON mapping of its protobuf messages (the server's mlflow/utils/proto_json_utils.py). */
final class MlflowTestServerJson {
    /** Gson as Python's json module writes: no HTML escaping of {@code <>&=}. */
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    // Strict on purpose: MLflow's own server parses with ignore_unknown_fields=True, but a field the server does not
    // know is a client bug that real MLflow would silently drop.
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames();

    private MlflowTestServerJson() {
    }

    /** Merges a JSON request body into {@code builder}; an empty body is {@code {}}, like Flask's missing JSON. */
    static <B extends Message.Builder> B parse(String json, B builder) {
        if (json.isBlank()) {
            return builder;
        }
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw MlflowTestServerError.invalidParameter("Invalid JSON for " + builder.getDescriptorForType().getFullName()
                    + ": " + e.getMessage());
        }
    }

    /**
     * Prints like {@code message_to_json}: proto field names, and int64 fields as JSON numbers ({@code JsonFormat}
     * alone would quote them; MLflow's server turns them back into numbers).
     */
    static String print(MessageOrBuilder message) {
        try {
            JsonObject json = JsonParser.parseString(PRINTER.print(message)).getAsJsonObject();
            unquoteInt64(json, message.getDescriptorForType());
            return GSON.toJson(json);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void unquoteInt64(JsonObject json, Descriptor type) {
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            FieldDescriptor field = type.findFieldByName(e.getKey());
            if (field == null) {
                continue;
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                for (JsonElement element : elements(e.getValue())) {
                    unquoteInt64(element.getAsJsonObject(), field.getMessageType());
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.LONG) {
                if (e.getValue().isJsonArray()) {
                    JsonArray numbers = new JsonArray();
                    e.getValue().getAsJsonArray().forEach(v -> numbers.add(number(v)));
                    e.setValue(numbers);
                } else {
                    e.setValue(number(e.getValue()));
                }
            }
        }
    }

    private static Iterable<JsonElement> elements(JsonElement value) {
        if (value.isJsonArray()) {
            return value.getAsJsonArray();
        }
        JsonArray single = new JsonArray();
        single.add(value);
        return single;
    }

    private static JsonPrimitive number(JsonElement quoted) {
        return new JsonPrimitive(new BigInteger(quoted.getAsString()));
    }
}
