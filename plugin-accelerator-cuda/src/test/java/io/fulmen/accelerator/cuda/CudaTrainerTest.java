package io.fulmen.accelerator.cuda;

import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Trainer with the cuda and cpu plugins on the class path, on this machine without a GPU. */
class CudaTrainerTest {
    @TempDir
    Path root;

    private TrainerBuilder quiet() {
        return Trainer.builder().defaultRootDir(root).logger(false).enableProgressBar(false)
                .enableModelSummary(false).enableCheckpointing(false);
    }

    @Test
    void autoFallsBackToTheCpu() {
        try (Trainer t = quiet().accelerator("auto").build()) {
            assertEquals("cpu", t.accelerator().name());
        }
    }

    @Test
    void askingForCudaFailsWithWhatWasFoundAndTheFix() {
        for (String name : new String[] {"cuda", "gpu", "GPU"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> quiet().accelerator(name).build().close());
            String m = e.getMessage();
            assertTrue(m.startsWith("accelerator '" + name + "' is installed but not available: no NVIDIA GPU"), m);
            assertTrue(m.contains("Found: no NVIDIA driver") && m.contains("flavor cpu")
                    && m.contains("PYTORCH_FLAVOR=cu128") && m.endsWith("available now: [cpu]"), m);
        }
    }
}
