package io.fulmen.runtime;

import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.Availability;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ProviderContext;

import java.util.Locale;

/** Picks a provider by name or {@code "auto"}, failing with what is installed and why each is unavailable. */
final class ProviderPicker {
    private ProviderPicker() {}

    /**
     * The provider {@code requested} names, available in {@code context}. Unknown names fail with the providers
     * installed (and their availability); an unavailable one fails with its reason and the available ones.
     */
    static <P extends ComponentProvider<?>> P named(Registry<P> registry, String requested, ProviderContext context) {
        P provider = registry.resolve(requested.trim(), context);
        Availability a = Registry.availability(provider, context);
        if (!a.isAvailable()) {
            throw new IllegalStateException(registry.kind() + " '" + requested.trim() + "' is installed but not "
                    + "available: " + a.reason() + "; available now: " + registry.all().stream()
                    .filter(p -> Registry.availability(p, context).isAvailable()).map(ComponentProvider::name)
                    .toList());
        }
        return provider;
    }

    /** Whether {@code requested} is {@code "auto"} (any case, surrounding blanks ignored). */
    static boolean isAuto(String requested) {
        return requested.trim().toLowerCase(Locale.ROOT).equals("auto");
    }
}
