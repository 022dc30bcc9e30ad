package io.fulmen.runtime.plugin;

import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.ComponentProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --list-plugins}: every SPI, each provider's names, origin, availability with reason, and options. */
class PluginListingTest {
    @TempDir
    Path root;

    @Test
    void theListingShowsAvailabilityAndEveryOptionWithTypeAndDefault() {
        try (PluginRegistry registry = PluginRegistry.discover(ExtraProviders.loader(root, AcceleratorProvider.class,
                ExtraProviders.Quantum.class))) {
            var quantum = registry.describe().stream().filter(i -> i.name().equals("quantum")).findFirst()
                    .orElseThrow();
            assertEquals("unavailable", quantum.state());
            assertEquals("no quantum device attached", quantum.availability().reason());
            var csv = registry.describe().stream().filter(i -> i.name().equals("csv")).findFirst().orElseThrow();
            assertEquals("logger", csv.spi());
            assertEquals("available", csv.state());
            assertTrue(csv.options().stream().anyMatch(o -> o.key().equals("flush_logs_every_n_steps")));

            String table = registry.render();
            assertTrue(table.contains("    unavailable: no quantum device attached"), table);
            assertTrue(table.contains("    option csv.flush_logs_every_n_steps (int, default 100): write metrics.csv "
                    + "every n logged steps"), table);
            assertTrue(table.contains("    option csv.version (string): a number for version_N"), table);
            assertTrue(table.contains("32-true (32)") && table.contains("single_device"), table);
        }
    }

    @Test
    void everySpiHasItsRegistryAndOtherTypesAreRefused() {
        try (PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader())) {
            for (Spi<?> spi : PluginRegistry.SPIS) {
                assertEquals(spi.kind(), registry.providers(spi.type()).kind());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> registry.providers(NotAnSpi.class));
            assertTrue(e.getMessage().contains("is not an SPI this runtime discovers"), e.getMessage());
        }
    }

    /** A provider interface the runtime does not know. */
    interface NotAnSpi extends ComponentProvider<Object> {}
}
