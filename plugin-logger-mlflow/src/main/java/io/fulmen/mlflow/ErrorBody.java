package io.fulmen.mlflow;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** MLflow's error answer {@code {"error_code": "...", "message": "..."}}; anything else is kept as the message. */
record ErrorBody(String code, String message) {
    static ErrorBody parse(String body) {
        if (body == null || body.isBlank()) {
            return new ErrorBody(null, "");
        }
        try {
            JsonElement e = JsonParser.parseString(body);
            if (e.isJsonObject()) {
                JsonObject o = e.getAsJsonObject();
                String code = o.has("error_code") ? o.get("error_code").getAsString() : null;
                String message = o.has("message") ? o.get("message").getAsString() : "";
                return new ErrorBody(code, message);
            }
        } catch (RuntimeException notJson) {
            // a proxy's HTML page or plain text: shown as it is, shortened
        }
        String text = body.strip();
        return new ErrorBody(null, text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
}
