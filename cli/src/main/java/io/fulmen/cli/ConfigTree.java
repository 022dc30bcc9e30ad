package io.fulmen.cli;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration as nested YAML mappings: {@code --config} files merged in order (a mapping merges key by key,
 * anything else replaces), then {@code --a.b.c=value} overrides, each value read as YAML ({@code 5} is an int,
 * {@code [a, b]} a list). Only plain data: SnakeYAML's safe constructor builds no objects.
 */
final class ConfigTree {
    private final Map<String, Object> root = new LinkedHashMap<>();

    /** Merges the mapping of a {@code --config} file. */
    void mergeFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UsageException("--config " + file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        Object loaded;
        try {
            loaded = yaml().load(text);
        } catch (YAMLException e) {
            throw new UsageException("--config " + file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (loaded == null) {
            return;
        }
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new UsageException("--config " + file + ": expected a mapping of keys (trainer:, model:, data:…),"
                    + " got " + Names.shown(loaded));
        }
        merge(root, map);
    }

    /** Sets {@code dottedKey} ({@code trainer.max_epochs}) to {@code text} read as a YAML value. */
    void override(String dottedKey, String text) {
        Object value;
        try {
            value = yaml().load(text);
        } catch (YAMLException e) {
            throw new UsageException("--" + dottedKey + ": '" + text + "' is not a YAML value: " + e.getMessage(), e);
        }
        String[] parts = dottedKey.split("\\.");
        Map<String, Object> at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = at.get(parts[i]);
            Map<String, Object> child = next instanceof Map ? mapping(next) : new LinkedHashMap<>();
            if (next instanceof String className) {
                child.put("class_path", className); // --optimizer=Adam --optimizer.lr=0.01, as LightningCLI
            }
            at.put(parts[i], child);
            at = child;
        }
        Object previous = at.get(parts[parts.length - 1]);
        if (previous instanceof Map<?, ?> && value instanceof Map<?, ?> incoming) {
            Map<String, Object> target = mapping(previous);
            merge(target, incoming);
            at.put(parts[parts.length - 1], target);
        } else {
            at.put(parts[parts.length - 1], value);
        }
    }

    Map<String, Object> root() {
        return root;
    }

    /** {@code tree} as block-style YAML. */
    static String dump(Map<String, Object> tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setSplitLines(false);
        return new Yaml(new Representer(options), options).dump(tree);
    }

    /** {@code value} as a mutable mapping with string keys (YAML keys may be numbers or booleans). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mapping(Object value) {
        Map<?, ?> map = (Map<?, ?>) value;
        if (map.keySet().stream().allMatch(k -> k instanceof String) && map instanceof LinkedHashMap) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static void merge(Map<String, Object> into, Map<?, ?> from) {
        from.forEach((k, v) -> {
            String key = String.valueOf(k);
            Object existing = into.get(key);
            if (existing instanceof Map<?, ?> && v instanceof Map<?, ?> incoming) {
                Map<String, Object> target = mapping(existing);
                merge(target, incoming);
                into.put(key, target);
            } else {
                into.put(key, v instanceof Map<?, ?> m ? copy(m) : v instanceof List<?> l ? new ArrayList<>(l) : v);
            }
        });
    }

    private static Map<String, Object> copy(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        merge(out, m);
        return out;
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }
}
