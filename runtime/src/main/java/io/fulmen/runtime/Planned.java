package io.fulmen.runtime;

import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ProviderContext;

/**
 * A component picked by name and not created yet: its provider, where that came from, and the context (with the
 * provider's checked options) it will be created with.
 *
 * @param kind     the SPI's name in messages ("logger")
 * @param provider the provider picked
 * @param origin   where the provider came from, for messages
 * @param context  what {@link ComponentProvider#create} receives
 * @param <T>      what the provider creates
 */
record Planned<T>(String kind, ComponentProvider<? extends T> provider, String origin, ProviderContext context) {
    /**
     * The plan for {@code provider} of {@code registry}: claims it in {@code options} (so its keys are checked and
     * routed to it) and creates it with {@code context} and those options.
     */
    static <T, P extends ComponentProvider<? extends T>> Planned<T> of(Registry<P> registry, P provider,
                                                                       ProviderContext context,
                                                                       TrainerOptions options) {
        return new Planned<>(registry.kind(), provider, registry.origin(provider),
                context.withOptions(options.claim(registry.kind(), provider)));
    }

    /** Creates the component; a plugin missing a class, or built for an older api, fails naming the plugin. */
    T create() {
        try {
            return provider.create(context);
        } catch (AbstractMethodError e) {
            throw new IllegalStateException(kind + " '" + provider.name() + "' from " + origin + " cannot be "
                    + "created: " + e + " — the plugin was built against an older fulmen-api (create(PluginOptions) "
                    + "or create(LoggerContext)); rebuild it against this api's create(ProviderContext), see "
                    + "docs/writing-plugins.md", e);
        } catch (LinkageError e) {
            throw new IllegalStateException(kind + " '" + provider.name() + "' from " + origin + " cannot be "
                    + "created: " + e + " — the plugin lacks a class it needs (a dependency missing from its "
                    + "bundle's lib/?)", e);
        }
    }
}
