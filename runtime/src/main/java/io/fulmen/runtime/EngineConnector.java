package io.fulmen.runtime;

import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.EngineProvider;
import io.fulmen.spi.ExecutionEngine;
import io.fulmen.spi.ProviderContext;

/**
 * Turns the builder's {@code engine} argument into a loaded engine: {@code "auto"} is the available provider with
 * the highest priority (PyTorch), a name is that provider (an unknown one fails listing those installed), and the
 * engine is created with the providing bundle's class loader as the context class loader, so the DJL engine it
 * registers and the natives it loads come from that bundle.
 */
final class EngineConnector {
    private EngineConnector() {}

    static ExecutionEngine connect(PluginRegistry plugins, String requested, ProviderContext context) {
        Registry<EngineProvider> registry = plugins.providers(EngineProvider.class);
        EngineProvider provider = ProviderPicker.isAuto(requested)
                ? registry.bestAvailable(context).orElseThrow(() -> new IllegalStateException("no engine is "
                        + "available: fulmen-runtime brings PyTorch; installed: " + registry.describe(context)))
                : ProviderPicker.named(registry, requested, context);
        return InBundle.engine(new Planned<>(registry.kind(), provider, registry.origin(provider), context));
    }
}
