package io.fulmen.runtime;

import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.plugin.Spi;
import io.fulmen.runtime.plugin.Suggestions;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The builder's {@code option(key, value)} pairs, routed by namespace: {@code tensorboard.flush_secs} goes to the
 * provider named {@code tensorboard}, as {@code flush_secs}, and to no other. A key must name a provider the
 * Trainer uses and an option that provider declares; anything else fails the build naming the key, the providers
 * in use, their keys and the closest one. Keys without a namespace (the flat options of earlier versions) are
 * refused with the namespaced spelling to use.
 */
final class TrainerOptions {
    private final Map<String, String> values;
    private final List<InUse> inUse = new ArrayList<>();

    TrainerOptions(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    /** A provider the Trainer uses, and the SPI it serves ("logger"). */
    private record InUse(String kind, ComponentProvider<?> provider) {}

    /**
     * Records {@code provider} as in use and returns its options: the keys {@code <name>.<key>}, without the
     * prefix, checked against what it declares (an undeclared key fails with the closest declared one) and against
     * the declared types.
     */
    ProviderOptions claim(String kind, ComponentProvider<?> provider) {
        inUse.add(new InUse(kind, provider));
        String prefix = provider.name().toLowerCase(Locale.ROOT) + ".";
        Map<String, String> own = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                own.put(k.substring(prefix.length()), v);
            }
        });
        List<OptionSpec> declared = provider.options();
        for (String key : own.keySet()) {
            if (declared.stream().noneMatch(s -> s.matches(key))) {
                List<String> keys = qualifiedKeys(provider);
                throw new IllegalArgumentException("Unknown option '" + provider.name() + "." + key + "' for " + kind
                        + " '" + provider.name() + "'." + Suggestions.didYouMean(provider.name() + "." + key, keys)
                        + (keys.isEmpty() ? " It takes no options." : " Its options: " + String.join(", ", keys)
                        + "."));
            }
        }
        return ProviderOptions.of(provider, own);
    }

    /**
     * Fails on the first key whose namespace is none of the providers claimed so far, saying whether it lacks a
     * namespace, uses an alias, names a provider of {@code registry} that is not in use, or looks like a typo.
     */
    void checkNamespaces(PluginRegistry registry) {
        for (String key : values.keySet()) {
            String lower = key.toLowerCase(Locale.ROOT);
            boolean routed = inUse.stream().anyMatch(u -> lower.startsWith(u.provider().name()
                    .toLowerCase(Locale.ROOT) + "."));
            if (!routed) {
                throw new IllegalArgumentException("Unknown option '" + key + "': " + why(key, inUse, registry)
                        + " " + inUse(inUse));
            }
        }
    }

    private static String why(String key, List<InUse> inUse, PluginRegistry registry) {
        int dot = key.indexOf('.');
        if (dot < 0) {
            List<String> spellings = inUse.stream().filter(u -> u.provider().options().stream()
                    .anyMatch(s -> s.matches(key))).map(u -> "'" + u.provider().name() + "." + key + "'").toList();
            if (!spellings.isEmpty()) {
                return "options are named '<provider>.<key>' now; write " + String.join(" or ", spellings) + ".";
            }
            return "options are named '<provider>.<key>'." + Suggestions.didYouMean(key, allKeys(inUse));
        }
        String namespace = key.substring(0, dot);
        String rest = key.substring(dot + 1);
        for (InUse u : inUse) {
            if (u.provider().aliases().stream().anyMatch(a -> a.equalsIgnoreCase(namespace))) {
                return "options use the provider's name, not its alias '" + namespace + "'; write '"
                        + u.provider().name() + "." + rest + "'.";
            }
        }
        for (Spi<?> spi : PluginRegistry.SPIS) {
            var installed = registry.providers(spi.type()).find(namespace);
            if (installed.isPresent() && installed.get().name().equalsIgnoreCase(namespace)) {
                return "'" + namespace + "' is " + (spi.kind().matches("[aeiou].*") ? "an " : "a ") + spi.kind()
                        + " this Trainer does not use; ask for it by name or drop the option.";
            }
        }
        return "no provider named '" + namespace + "' is in use." + Suggestions.didYouMean(key, allKeys(inUse));
    }

    private static String inUse(List<InUse> inUse) {
        List<String> names = new ArrayList<>();
        for (InUse u : inUse) {
            names.add(u.kind() + " '" + u.provider().name() + "'");
        }
        List<String> keys = allKeys(inUse);
        return "In use: " + (names.isEmpty() ? "no provider by name" : String.join(", ", names)) + "; their options: "
                + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ".";
    }

    private static List<String> allKeys(List<InUse> inUse) {
        List<String> keys = new ArrayList<>();
        inUse.forEach(u -> keys.addAll(qualifiedKeys(u.provider())));
        return keys;
    }

    private static List<String> qualifiedKeys(ComponentProvider<?> provider) {
        return provider.options().stream().map(s -> provider.name() + "." + s.key()).toList();
    }
}
