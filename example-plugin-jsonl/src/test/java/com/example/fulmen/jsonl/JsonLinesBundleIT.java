package com.example.fulmen.jsonl;

import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin as a user of the distribution gets it: the bundle zip this build made (package phase), loaded from a
 * plugins folder in its own class loader, the class-path copy hidden. Runs in integration-test (maven-failsafe).
 */
class JsonLinesBundleIT {
    @TempDir
    Path root;

    @Test
    void theBundlesLoggerAndCallbackRunInAFit() throws Exception {
        PluginTestKit.fitAsBundle(PluginTestKit.builtBundle(), root, b -> b.logger("jsonl").callbacks("jsonl_epochs")
                .option("jsonl_epochs.file", "out/epochs.jsonl"));
        List<String> metrics = Files.readAllLines(root.resolve("jsonl/metrics.jsonl"));
        assertEquals("{\"status\": \"success\"}", metrics.get(metrics.size() - 1), String.join("\n", metrics));
        List<String> epochs = Files.readAllLines(root.resolve("out/epochs.jsonl"));
        assertEquals(2, epochs.size(), String.join("\n", epochs));
        assertTrue(Files.isDirectory(root.resolve("plugins-under-test")), "the bundle was installed for the fit");
    }
}
