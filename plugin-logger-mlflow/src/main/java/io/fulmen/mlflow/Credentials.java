package io.fulmen.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * How requests authenticate, set the way MLflow users set it: {@code MLFLOW_TRACKING_TOKEN} (bearer),
 * {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD} (basic, preferred when both are set, as MLflow
 * does) and {@code MLFLOW_TRACKING_INSECURE_TLS=true}. {@link #toString()} never shows a secret.
 */
record Credentials(String username, String password, String token, boolean insecureTls) {
    static final Credentials NONE = new Credentials(null, null, null, false);

    static Credentials fromEnvironment(Map<String, String> env) {
        return new Credentials(blankToNull(env.get("MLFLOW_TRACKING_USERNAME")),
                blankToNull(env.get("MLFLOW_TRACKING_PASSWORD")), blankToNull(env.get("MLFLOW_TRACKING_TOKEN")),
                "true".equalsIgnoreCase(String.valueOf(env.get("MLFLOW_TRACKING_INSECURE_TLS")).trim()));
    }

    Credentials withBasic(String user, String pass) {
        return new Credentials(user, pass, token, insecureTls);
    }

    /** The {@code Authorization} header value, or null to send none. */
    String authorization() {
        if (username != null && password != null) {
            String pair = username + ":" + password;
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return token == null ? null : "Bearer " + token;
    }

    @Override
    public String toString() {
        String kind = username != null && password != null ? "basic" : token != null ? "token" : "none";
        return "Credentials[" + kind + (insecureTls ? ", insecure TLS" : "") + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
