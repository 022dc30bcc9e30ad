package io.fulmen.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./quickstart --engine NAME}: the test runs on that engine; a missing engine fails before training. */
class QuickstartEngineTest {
    @TempDir
    Path root;

    @Test
    void anEngineThatIsNotInstalledFailsBeforeTrainingListingTheInstalledOnes() throws Exception {
        assertEquals("TensorFlow", Quickstart.Options.parse(new String[] {"--engine", "TensorFlow"}).engine);
        Path plugins = Files.createDirectories(root.resolve("plugins"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quickstart.run(
                new String[] {"--engine", "TensorFlow", "--root-dir", root.toString(), "--plugins-dir",
                        plugins.toString(), "--max-steps", "2", "--logger", "csv"}));
        assertTrue(e.getMessage().contains("Unknown engine 'TensorFlow'") && e.getMessage().contains("PyTorch"),
                e.getMessage());
        assertFalse(Files.exists(root.resolve("fulmen_logs")), "nothing was trained");
    }
}
