package io.fulmen.runtime.plugin;

import io.fulmen.spi.AcceleratorProvider;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.StrategyProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Says when a bundle's provider outranks every classpath provider of an SPI that the runtime picks by priority
 * ({@code accelerator("auto")}, {@code strategy("auto")}, the default logger), so that a dropped-in bundle never
 * becomes that choice silently. Reported rather than refused: shipping a faster accelerator as a bundle (CUDA over
 * the built-in CPU) is the point of the plugins folder, and the folder is already trusted code; the line names
 * both providers with their origins and priorities, and a user who disagrees names the component instead.
 */
final class AutoChoiceReport {
    private AutoChoiceReport() {}

    static List<String> bundlesOutrankingClasspath(PluginRegistry registry) {
        List<String> out = new ArrayList<>();
        check(registry.providers(AcceleratorProvider.class), "accelerator(\"auto\") picks it when it is available",
                out);
        check(registry.providers(StrategyProvider.class), "strategy(\"auto\") picks it when it is available", out);
        check(registry.providers(ExperimentLoggerProvider.class), "it becomes the default logger when it is "
                + "available", out);
        return out;
    }

    private static <P extends ComponentProvider<?>> void check(Registry<P> registry, String consequence,
                                                               List<String> out) {
        Optional<P> bundle = best(registry, true);
        Optional<P> classpath = best(registry, false);
        if (bundle.isPresent() && classpath.isPresent() && bundle.get().priority() > classpath.get().priority()) {
            out.add(registry.kind() + " '" + bundle.get().name() + "' from " + registry.origin(bundle.get())
                    + " (priority " + bundle.get().priority() + ") outranks '" + classpath.get().name() + "' from "
                    + registry.origin(classpath.get()) + " (priority " + classpath.get().priority() + "): "
                    + consequence + "; name the " + registry.kind() + " you want to choose otherwise");
        }
    }

    private static <P extends ComponentProvider<?>> Optional<P> best(Registry<P> registry, boolean fromBundle) {
        return registry.all().stream()
                .filter(p -> registry.origin(p).startsWith("bundle ") == fromBundle)
                .max(Comparator.comparingInt(ComponentProvider::priority));
    }
}
