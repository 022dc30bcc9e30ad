package ${package};

import io.fulmen.testkit.PackageDependencies;
import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin on the class path, as an application embedding Fulmen gets it: a short real fit through the test kit. */
class EpochSummaryCallbackTest {
    @TempDir
    Path root;

    @Test
    void aFitWritesOneLinePerEpoch() throws Exception {
        PluginTestKit.fit(root, b -> b.logger(false).callbacks("${callbackName}")
                .option("${callbackName}.file", "out/epochs.txt"));
        List<String> lines = Files.readAllLines(root.resolve("out/epochs.txt"));
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("epoch=1 step=16 ") && lines.get(1).contains(" val_loss="), lines.get(1));
    }

    @Test
    void usesTheApiOnly() {
        PackageDependencies.assertUsesApiOnly(EpochSummaryCallbackProvider.class);
    }
}
