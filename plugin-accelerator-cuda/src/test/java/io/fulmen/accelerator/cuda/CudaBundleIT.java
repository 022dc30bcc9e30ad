package io.fulmen.accelerator.cuda;

import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundle the build put into {@code plugins/}, loaded in its own class loader as users of the distribution do. */
class CudaBundleIT {
    @TempDir
    Path root;

    @Test
    void theBundleLoadsAndAutoStillTrainsOnTheCpu() throws Exception {
        Path zip = PluginTestKit.builtBundle();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> libs = z.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("lib/") && !n.endsWith("/")).toList();
            assertEquals(1, libs.size(), libs.toString());
            assertTrue(libs.get(0).startsWith("lib/fulmen-plugin-accelerator-cuda-"), libs.toString());
        }
        Map<String, Double> metrics = PluginTestKit.fitAsBundle(zip, root.resolve("auto"),
                b -> b.accelerator("auto"));
        assertTrue(metrics.get("val_acc") > 0.25, metrics.toString());
    }

    @Test
    void theBundlesCudaExplainsItselfHere() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PluginTestKit.fitAsBundle(
                PluginTestKit.builtBundle(), root.resolve("cuda"), b -> b.accelerator("gpu")));
        assertTrue(e.getMessage().contains("accelerator 'gpu' is installed but not available: no NVIDIA GPU")
                && e.getMessage().contains("PYTORCH_LIBRARY_PATH"), e.getMessage());
    }
}
