package io.fulmen.mlflow;

import org.mlflow.api.proto.Service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.fulmen.mlflow.MlflowTestServerError.invalidParameter;

/** MLflow 2.17's input checks and limits, as in mlflow/utils/validation.py (names and messages kept). */
final class MlflowTestServerValidation {
    // Limits of mlflow/utils/validation.py (MLflow 2.17).
    static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_ENTITIES_PER_BATCH = 1000;
    static final int MAX_PARAM_VAL_LENGTH = 6000;
    static final int MAX_TAG_VAL_LENGTH = 5000;
    static final int MAX_ENTITY_KEY_LENGTH = 250;
    static final int MAX_EXPERIMENT_NAME_LENGTH = 500;

    // validation.py: may only contain slashes, alphanumerics, underscores, periods, dashes and spaces (Python's \w is
    // Unicode-aware, hence UNICODE_CHARACTER_CLASS).
    private static final Pattern VALID_PARAM_AND_METRIC_NAMES =
            Pattern.compile("^[/\\w.\\- ]*$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern RUN_ID = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,255}$");
    private static final String BAD_CHARACTERS_MESSAGE = "Names may only contain alphanumerics, underscores (_), "
            + "dashes (-), periods (.), spaces ( ), and slashes (/).";

    private MlflowTestServerValidation() {
    }

    static void validateRunId(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw invalidParameter("Invalid run ID: '" + runId + "'");
        }
    }

    static void validateExperimentName(String name) {
        if (name.isEmpty()) {
            throw invalidParameter("Invalid experiment name: ''");
        }
        if (length(name) > MAX_EXPERIMENT_NAME_LENGTH) {
            throw invalidParameter("Experiment name exceeds the maximum length of " + MAX_EXPERIMENT_NAME_LENGTH
                    + " characters");
        }
    }

    static void validateMetric(Service.Metric m) {
        validateName("metric", m.getKey());
        if (m.getTimestamp() < 0) {
            throw invalidParameter("Got invalid timestamp " + m.getTimestamp() + " for metric '" + m.getKey()
                    + "' (value=" + pythonFloat(m.getValue()) + "). Timestamp must be a nonnegative long (64-bit integer) ");
        }
        checkLength("Metric name", MAX_ENTITY_KEY_LENGTH, m.getKey(), false);
    }

    /** Returns the param as stored: its value cut to the limit when {@code truncate} (MLFLOW_TRUNCATE_LONG_VALUES). */
    static Service.Param validateParam(Service.Param p, boolean truncate) {
        validateName("parameter", p.getKey());
        checkLength("Param key", MAX_ENTITY_KEY_LENGTH, p.getKey(), false);
        return p.toBuilder().setValue(checkLength("Param value", MAX_PARAM_VAL_LENGTH, p.getValue(), truncate)).build();
    }

    static Service.RunTag validateTag(Service.RunTag t, boolean truncate) {
        validateName("tag", t.getKey());
        checkLength("Tag key", MAX_ENTITY_KEY_LENGTH, t.getKey(), false);
        return t.toBuilder().setValue(checkLength("Tag value", MAX_TAG_VAL_LENGTH, t.getValue(), truncate)).build();
    }

    /** {@code _validate_batch_log_limits}. */
    static void validateBatchLimits(int metrics, int params, int tags) {
        batchLimit("metrics", MAX_METRICS_PER_BATCH, metrics);
        batchLimit("params", MAX_PARAMS_TAGS_PER_BATCH, params);
        batchLimit("tags", MAX_PARAMS_TAGS_PER_BATCH, tags);
        batchLimit("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, metrics + params + tags);
    }

    /** {@code _validate_param_keys_unique}. */
    static void validateParamKeysUnique(List<Service.Param> params) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> dupes = new ArrayList<>();
        for (Service.Param p : params) {
            if (!seen.add(p.getKey())) {
                dupes.add(p.getKey());
            }
        }
        if (!dupes.isEmpty()) {
            throw invalidParameter("Duplicate parameter keys have been submitted: " + pythonList(dupes)
                    + ". Please ensure the request contains only one param value per param key.");
        }
    }

    private static void batchLimit(String entityName, int limit, int length) {
        if (length > limit) {
            throw invalidParameter("A batch logging request can contain at most " + limit + " " + entityName
                    + ". Got " + length + " " + entityName + ". Please split up " + entityName
                    + " across multiple requests and try again.");
        }
    }

    private static void validateName(String entity, String name) {
        if (!VALID_PARAM_AND_METRIC_NAMES.matcher(name).matches()) {
            throw invalidParameter("Invalid " + entity + " name: '" + name + "'. " + BAD_CHARACTERS_MESSAGE);
        }
        String norm = posixNormpath(name);
        if (!norm.equals(name) || norm.equals(".") || norm.startsWith("..") || norm.startsWith("/")) {
            throw invalidParameter("Invalid " + entity + " name: '" + name + "'. Names may be treated as files in "
                    + "certain cases, and must not resolve to other names when treated as such. This name would "
                    + "resolve to '" + norm + "'");
        }
    }

    /** {@code _validate_length_limit}; lengths count code points like Python's {@code len}. */
    private static String checkLength(String entityName, int limit, String value, boolean truncate) {
        int length = length(value);
        if (length <= limit) {
            return value;
        }
        if (truncate) {
            return prefix(value, limit);
        }
        throw invalidParameter(entityName + " '" + prefix(value, 250) + "' had length " + length
                + ", which exceeded length limit of " + limit);
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static String prefix(String s, int codePoints) {
        return s.substring(0, s.offsetByCodePoints(0, Math.min(codePoints, length(s))));
    }

    /** Python's {@code posixpath.normpath}. */
    static String posixNormpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        int leadingSlashes = path.startsWith("//") && !path.startsWith("///") ? 2 : path.startsWith("/") ? 1 : 0;
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && (leadingSlashes > 0 && parts.isEmpty()
                    || !parts.isEmpty() && !parts.peekLast().equals(".."))) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        String joined = "/".repeat(leadingSlashes) + String.join("/", parts);
        return joined.isEmpty() ? "." : joined;
    }

    /** How Python formats a list of strings in these messages: {@code ['a', 'b']}. */
    static String pythonList(List<String> values) {
        return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }
}
