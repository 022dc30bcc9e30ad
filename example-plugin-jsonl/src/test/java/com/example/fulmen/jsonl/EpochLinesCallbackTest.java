package com.example.fulmen.jsonl;

import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin's callback, asked for by name with its option, in a short real fit. */
class EpochLinesCallbackTest {
    @TempDir
    Path root;

    @Test
    void aFitAppendsOneLinePerEpoch() throws Exception {
        PluginTestKit.fit(root, b -> b.logger(false).callbacks("jsonl_epochs")
                .option("jsonl_epochs.file", "out/epochs.jsonl"));
        List<String> lines = Files.readAllLines(root.resolve("out/epochs.jsonl"));
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("{\"epoch\": 0, \"step\": 8, \"metrics\": {"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"epoch\": 1, \"step\": 16, ") && lines.get(1).contains("\"val_loss\": "),
                lines.get(1));
    }
}
