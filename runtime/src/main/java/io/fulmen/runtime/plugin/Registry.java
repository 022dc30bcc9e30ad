package io.fulmen.runtime.plugin;

import io.fulmen.spi.Provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The providers of one SPI, by name. Names and aliases are matched case-insensitively; the first provider
 * registered under a name keeps it and a later one is recorded as a conflict, so the rule is "first discovered
 * wins" with the loser reported by {@link #conflicts()}.
 */
public final class Registry<P extends Provider> {
    private final String kind;
    private final Map<String, P> byName = new LinkedHashMap<>();
    private final List<P> providers = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();
    private final Map<P, String> origins = new IdentityHashMap<>();
    private List<String> failures = List.of();

    public Registry(String kind) {
        this.kind = kind;
    }

    /** The SPI's name in messages, e.g. "accelerator". */
    public String kind() {
        return kind;
    }

    /** Registers {@code provider}; returns the conflict report when the name was taken, else null. */
    public String register(P provider, String origin) {
        String name = key(provider.name());
        P existing = byName.get(name);
        if (existing != null) {
            String report = kind + " '" + provider.name() + "' from " + origin + " ignored: already provided by "
                    + existing.getClass().getName() + " (" + origins.get(existing) + ")";
            conflicts.add(report);
            return report;
        }
        origins.put(provider, origin);
        providers.add(provider);
        byName.put(name, provider);
        for (String alias : provider.aliases()) {
            byName.putIfAbsent(key(alias), provider);
        }
        return null;
    }

    /** Where {@code provider} came from (classpath location or bundle), for listings. */
    public String origin(P provider) {
        return origins.get(provider);
    }

    /** {@link #origin} for a provider known only by its base type (listings over every SPI). */
    String originOf(Provider provider) {
        return origins.get(provider);
    }

    /** The provider called {@code name}; fails with the list of available names when there is none. */
    public P resolve(String name) {
        P p = byName.get(key(name));
        if (p == null) {
            throw new IllegalArgumentException("Unknown " + kind + " '" + name + "'. Available: " + describe()
                    + ". Add the plugin that provides it to the classpath or the plugins folder."
                    + (failures.isEmpty() ? "" : " Plugins that failed to load: " + String.join("; ", failures)));
        }
        return p;
    }

    public Optional<P> find(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    /** The highest-priority provider accepted by {@code filter}, for {@code "auto"}. */
    public Optional<P> best(Predicate<P> filter) {
        return providers.stream().filter(filter).max(Comparator.comparingInt(Provider::priority));
    }

    public Collection<P> all() {
        return List.copyOf(providers);
    }

    public List<String> names() {
        return providers.stream().map(Provider::name).collect(Collectors.toList());
    }

    /** Shares the list of plugins that failed to load, named when a lookup fails. */
    void failures(List<String> all) {
        this.failures = all;
    }

    public List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    /** "cpu, cuda" or "none", for messages. */
    public String describe() {
        if (providers.isEmpty()) {
            return "none (no " + kind + " plugin found)";
        }
        return providers.stream().map(p -> p.aliases().isEmpty() ? p.name()
                        : p.name() + " (also " + String.join(", ", p.aliases()) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String key(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }
}
