package ${package};

import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The plugin as a user of the distribution gets it: target/${artifactId}.zip (built in package) loaded from a plugins
 * folder in its own class loader, the class-path copy hidden. Runs in integration-test (maven-failsafe-plugin).
 */
class EpochSummaryCallbackBundleIT {
    @TempDir
    Path root;

    @Test
    void theBundleRunsInAFit() throws Exception {
        PluginTestKit.fitAsBundle(PluginTestKit.builtBundle(), root, b -> b.logger(false).callbacks("${callbackName}"));
        assertEquals(2, Files.readAllLines(root.resolve("${callbackName}.txt")).size());
    }
}
