package io.fulmen.mlflow;

import io.fulmen.pyformat.PyRepr;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Hyperparameters and metric names as MLflow accepts them, with Lightning's rewriting rules. */
final class RunData {
    // mlflow/utils/validation.py (MLflow 2.17): MAX_ENTITY_KEY_LENGTH, MAX_PARAM_VAL_LENGTH
    static final int MAX_KEY_LENGTH = 250;
    static final int MAX_PARAM_VALUE_LENGTH = 6000;
    /** Lightning's MLFlowLogger keeps these characters in metric names and drops the others. */
    private static final Pattern NOT_ALLOWED_IN_METRIC = Pattern.compile("[^a-zA-Z0-9_/. -]+");
    static final String PREFIX_JOIN = "-";

    private RunData() {}

    /**
     * Nested maps become dotted keys; values are written as Python's {@code str} would write them, so params read
     * as they do for Lightning runs ({@code True}, {@code 0.001}, {@code ['a', 'b']}).
     */
    static List<Param> params(Map<String, Object> hyperparameters, Consumer<String> warn) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", hyperparameters, flat);
        List<Param> params = new ArrayList<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            String key = e.getKey();
            if (key.length() > MAX_KEY_LENGTH) {
                warn.accept("MLflow param names are limited to " + MAX_KEY_LENGTH + " characters; not logging '"
                        + key.substring(0, 60) + "…' (" + key.length() + " characters)");
                continue;
            }
            String value = PyRepr.str(e.getValue());
            if (value.length() > MAX_PARAM_VALUE_LENGTH) {
                warn.accept("MLflow param values are limited to " + MAX_PARAM_VALUE_LENGTH + " characters; '" + key
                        + "' (" + value.length() + " characters) is truncated");
                value = value.substring(0, MAX_PARAM_VALUE_LENGTH);
            }
            params.add(Param.newBuilder().setKey(key).setValue(value).build());
        }
        return params;
    }

    /**
     * {@code prefix-name} with the characters MLflow does not allow removed, as Lightning does; {@code warn} hears
     * about each rewritten name.
     */
    static String metricName(String name, String prefix, Consumer<String> warn) {
        String key = prefix == null || prefix.isEmpty() ? name : prefix + PREFIX_JOIN + name;
        String clean = NOT_ALLOWED_IN_METRIC.matcher(key).replaceAll("");
        if (!clean.equals(key)) {
            warn.accept("MLflow only allows '_', '/', '.', '-' and ' ' special characters in metric names; "
                    + "replacing '" + key + "' with '" + clean + "'");
        }
        if (clean.length() > MAX_KEY_LENGTH) {
            String cut = clean.substring(0, MAX_KEY_LENGTH);
            warn.accept("MLflow metric names are limited to " + MAX_KEY_LENGTH + " characters; '" + clean
                    + "' is shortened to '" + cut + "'");
            clean = cut;
        }
        return clean;
    }

    static Metric metric(String key, double value, long timestamp, long step) {
        return Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step).build();
    }

    private static void flatten(String parent, Map<?, ?> map, Map<String, Object> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = parent.isEmpty() ? String.valueOf(e.getKey()) : parent + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(key, nested, out);
            } else {
                out.put(key, e.getValue());
            }
        }
    }
}
