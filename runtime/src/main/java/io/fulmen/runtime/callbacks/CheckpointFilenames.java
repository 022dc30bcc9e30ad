package io.fulmen.runtime.callbacks;

import io.fulmen.TrainerView;
import io.fulmen.pyformat.PyFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@link ModelCheckpoint}'s file names: the Python template filled from the monitor candidates, {@code name=}
 * inserted before each value ({@code autoInsertMetricName}), and {@code -v1}, {@code -v2}, … appended while the
 * file exists ({@code enableVersionCounter}), inside the directory once it is known.
 */
final class CheckpointFilenames {
    private static final Pattern GROUP = Pattern.compile("(\\{.*?)[:}]");

    private final String template;
    private final boolean autoInsertMetricName;
    private final boolean enableVersionCounter;
    private final CheckpointFiles files;

    CheckpointFilenames(String template, boolean autoInsertMetricName, boolean enableVersionCounter,
                        CheckpointFiles files) {
        this.template = template;
        this.autoInsertMetricName = autoInsertMetricName;
        this.enableVersionCounter = enableVersionCounter;
        this.files = files;
    }

    /** {@code _monitor_candidates}: the callback metrics, {@code epoch} and {@code step} as integers. */
    static Map<String, Number> monitorCandidates(TrainerView trainer) {
        Map<String, Double> metrics = trainer.callbackMetrics();
        Map<String, Number> candidates = new LinkedHashMap<>();
        for (String name : names(metrics)) {
            Double v = metrics.get(name);
            if (v != null) {
                candidates.put(name, v);
            }
        }
        // `self.log("epoch", 123)` makes it a float: cast back (tensor.int() truncates), else the Trainer's.
        Number epoch = candidates.get("epoch");
        long epochValue = epoch != null ? (long) epoch.doubleValue() : trainer.currentEpoch();
        candidates.put("epoch", epochValue);
        Number step = candidates.get("step");
        long stepValue = step != null ? (long) step.doubleValue() : trainer.globalStep();
        candidates.put("step", stepValue);
        return candidates;
    }

    /** The metric names in the map's own order when it has one, else sorted (for stable names and messages). */
    private static List<String> names(Map<String, Double> metrics) {
        if (metrics instanceof LinkedHashMap || metrics instanceof SortedMap) {
            return new ArrayList<>(metrics.keySet());
        }
        return metrics.keySet().stream().sorted().collect(Collectors.toList());
    }

    /**
     * The file to write for {@code candidates} with the template ({@code name} null) or {@code name} (the
     * {@code last} one): with the version counter, the first of {@code name}, {@code name-v1}, … that does not
     * exist or is {@code replaced}, the file this save replaces anyway.
     */
    String next(Map<String, Number> candidates, String name, String replaced) {
        String filepath = name(candidates, name, null);
        if (enableVersionCounter) {
            int version = ModelCheckpoint.STARTING_VERSION;
            while (CheckpointFiles.exists(filepath) && !filepath.equals(replaced)) {
                filepath = name(candidates, name, version);
                version++;
            }
        }
        return filepath;
    }

    /** Adds the names the template mentions and {@code metrics} lacks to {@code metrics}, as Lightning does. */
    String name(Map<String, Number> metrics, String name, Integer ver) {
        String formatted = format(name != null && !name.isEmpty() ? name : template, metrics, autoInsertMetricName);
        if (ver != null) {
            formatted = formatted + ModelCheckpoint.CHECKPOINT_JOIN_CHAR + "v" + ver;
        }
        String ckptName = formatted + ModelCheckpoint.FILE_EXTENSION;
        String dirpath = files.dirpath();
        return dirpath != null ? Path.of(dirpath).resolve(ckptName).toString() : ckptName;
    }

    /**
     * Lightning's {@code _format_checkpoint_name} (without a prefix): the template's {@code {name} } fields filled
     * from {@code metrics} (names missing there are added as integer 0), without extension or directory.
     */
    static String format(String filename, Map<String, Number> metrics, boolean autoInsertMetricName) {
        if (filename == null || filename.isEmpty()) {
            filename = "{epoch}" + ModelCheckpoint.CHECKPOINT_JOIN_CHAR + "{step}";
        }
        // check and parse user passed keys in the string
        List<String> groups = new ArrayList<>();
        Matcher m = GROUP.matcher(filename);
        while (m.find()) {
            groups.add(m.group(1));
        }
        // sort keys from longest to shortest to avoid replacing substring (stable, as Python's sorted)
        groups.sort(Comparator.comparingInt(String::length).reversed());
        for (String group : groups) {
            String name = group.substring(1);
            if (autoInsertMetricName) {
                filename = filename.replace(group, name + ModelCheckpoint.CHECKPOINT_EQUALS_CHAR + "{" + name);
            }
            // support for dots: https://stackoverflow.com/a/7934969
            filename = filename.replace(group, "{0[" + name + "]");
            if (!metrics.containsKey(name)) {
                metrics.put(name, 0L);
            }
        }
        return PyFormat.format(filename, List.of(metrics), Map.of());
    }
}
