package io.fulmen.runtime.plugin;

import io.fulmen.spi.Accelerator;
import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.Availability;
import io.fulmen.spi.ProviderContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test providers registered only for the registries a test builds with {@link #loader}. */
public final class ExtraProviders {
    private ExtraProviders() {}

    /**
     * The test class loader plus a {@code META-INF/services/<type>} file listing {@code providers}, written under
     * {@code dir}.
     */
    public static ClassLoader loader(Path dir, Class<?> type, Class<?>... providers) {
        try {
            Path services = dir.resolve("META-INF/services");
            Files.createDirectories(services);
            StringBuilder lines = new StringBuilder();
            for (Class<?> p : providers) {
                lines.append(p.getName()).append('\n');
            }
            Files.writeString(services.resolve(type.getName()), lines);
            return new URLClassLoader(new URL[] {dir.toUri().toURL()}, ExtraProviders.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An accelerator that is installed but never available: the highest priority, so "auto" must skip it. */
    public static final class Quantum implements AcceleratorProvider {
        @Override
        public String name() {
            return "quantum";
        }

        @Override
        public int priority() {
            return 100;
        }

        @Override
        public Availability availability(ProviderContext context) {
            return Availability.unavailable("no quantum device attached");
        }

        @Override
        public Accelerator create(ProviderContext context) {
            throw new AssertionError("an unavailable accelerator is never created");
        }
    }
}
