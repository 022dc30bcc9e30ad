package com.example.fulmen.jsonl;

import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a plugin author tests a plugin: a short real fit through the test kit, using the plugin by name. */
class JsonLinesLoggerTest {
    @TempDir
    Path root;

    @Test
    void aFitWritesOneJsonObjectPerLine() throws Exception {
        Map<String, Double> metrics = PluginTestKit.fit(root, b -> b.logger("jsonl"));
        assertTrue(metrics.containsKey("val_loss"), metrics.toString());
        List<String> lines = Files.readAllLines(root.resolve("jsonl/metrics.jsonl"));
        assertTrue(lines.get(0).startsWith("{\"hparams\": {\"hidden\": 16"), lines.get(0));
        assertEquals(16, lines.stream().filter(l -> l.contains("\"train_loss\"")).count(), String.join("\n", lines));
        assertEquals("{\"status\": \"success\"}", lines.get(lines.size() - 1));
    }
}
