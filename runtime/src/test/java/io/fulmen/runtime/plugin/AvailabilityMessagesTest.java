package io.fulmen.runtime.plugin;

import io.fulmen.runtime.Trainer;
import io.fulmen.spi.AcceleratorProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unavailable provider is skipped by "auto" and named with its reason wherever a name fails. */
class AvailabilityMessagesTest {
    @TempDir
    Path root;

    private PluginRegistry registry() {
        return PluginRegistry.discover(ExtraProviders.loader(root.resolve("services"), AcceleratorProvider.class,
                ExtraProviders.Quantum.class));
    }

    @Test
    void autoSkipsAnUnavailableAcceleratorAndByNameItFailsWithTheReason() {
        try (PluginRegistry registry = registry(); Trainer trainer = Trainer.builder().plugins(registry)
                .defaultRootDir(root).logger(false).enableCheckpointing(false).build()) {
            assertEquals("cpu", trainer.accelerator().name());
        }
        try (PluginRegistry registry = registry()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Trainer.builder().plugins(registry).accelerator("quantum").build());
            assertEquals("accelerator 'quantum' is installed but not available: no quantum device attached; "
                    + "available now: [cpu]", e.getMessage());
        }
    }

    @Test
    void anUnknownNameListsWhatIsInstalledWithAvailabilityAndTheClosestName() {
        try (PluginRegistry registry = registry()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder().plugins(registry).accelerator("quantom").build());
            assertTrue(e.getMessage().startsWith("Unknown accelerator 'quantom'. Did you mean 'quantum'? Available: "
                    + "cpu, quantum (unavailable: no quantum device attached)."), e.getMessage());
        }
    }

    @Test
    void noStrategyForTheNodeCountSaysWhyEachIsUnavailable() {
        try (PluginRegistry registry = registry()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Trainer.builder().plugins(registry).numNodes(2).build());
            assertEquals("no strategy supports 1 device(s) on 2 node(s); installed: single_device (unavailable: runs "
                    + "one device on one node, not 1 device(s) on 2 node(s))", e.getMessage());
            e = assertThrows(IllegalStateException.class,
                    () -> Trainer.builder().plugins(registry).numNodes(2).strategy("single_device").build());
            assertTrue(e.getMessage().startsWith("strategy 'single_device' is installed but not available: runs one "
                    + "device on one node"), e.getMessage());
        }
    }
}
