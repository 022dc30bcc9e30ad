package io.fulmen.runtime.plugin;

import io.fulmen.spi.Availability;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The providers of one SPI, by name. Names and aliases are matched case-insensitively; the first provider
 * registered under a name keeps it and a later one is recorded as a conflict, so the rule is "first discovered
 * wins" with the loser reported by {@link #conflicts()}.
 *
 * @param <P> the SPI's provider interface
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class Registry<P extends ComponentProvider<?>> {
    private final String kind;
    private final Map<String, P> byName = new LinkedHashMap<>();
    private final List<P> providers = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();
    private final Map<P, String> origins = new IdentityHashMap<>();
    private List<String> failures = List.of();

    /** An empty registry for the SPI called {@code kind} in messages. */
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
    String originOf(ComponentProvider<?> provider) {
        return origins.get(provider);
    }

    /** The provider called {@code name}; fails with the list of available names when there is none. */
    public P resolve(String name) {
        return find(name).orElseThrow(() -> unknown(name, describe()));
    }

    /**
     * The provider called {@code name}; fails with the names installed, each with its availability in
     * {@code context}, when there is none.
     */
    public P resolve(String name, ProviderContext context) {
        return find(name).orElseThrow(() -> unknown(name, describe(context)));
    }

    private IllegalArgumentException unknown(String name, String installed) {
        List<String> names = new ArrayList<>(byName.keySet());
        return new IllegalArgumentException("Unknown " + kind + " '" + name + "'." + Suggestions.didYouMean(
                key(name), names) + " Available: " + installed
                + ". Add the plugin that provides it to the classpath or the plugins folder."
                + (failures.isEmpty() ? "" : " Plugins that failed to load: " + String.join("; ", failures)));
    }

    /** The provider called {@code name} (or one of its aliases), if any. */
    public Optional<P> find(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    /** The highest-priority provider accepted by {@code filter}, for {@code "auto"}. */
    public Optional<P> best(Predicate<P> filter) {
        return providers.stream().filter(filter).max(Comparator.comparingInt(ComponentProvider::priority));
    }

    /** The highest-priority provider available in {@code context}, for {@code "auto"}. */
    public Optional<P> bestAvailable(ProviderContext context) {
        return best(p -> availability(p, context).isAvailable());
    }

    /**
     * Whether {@code provider} is available in {@code context}; a check that throws counts as unavailable, with
     * the exception as the reason, so one broken plugin cannot break listings or {@code "auto"}.
     */
    public static Availability availability(ComponentProvider<?> provider, ProviderContext context) {
        try {
            Availability a = provider.availability(context);
            return a != null ? a : Availability.unavailable("its availability check returned null");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its availability check failed: " + e);
        }
    }

    /** Every provider, in discovery order. */
    public Collection<P> all() {
        return List.copyOf(providers);
    }

    /** Every provider's name, in discovery order. */
    public List<String> names() {
        return providers.stream().map(ComponentProvider::name).collect(Collectors.toList());
    }

    /** Shares the list of plugins that failed to load, named when a lookup fails. */
    void failures(List<String> all) {
        this.failures = all;
    }

    /** Every name offered twice, with both origins. */
    public List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    /** "cpu, cuda" or "none", for messages. */
    public String describe() {
        return describe(p -> "");
    }

    /** "cpu, cuda (unavailable: no CUDA driver)" or "none", for messages: each provider's availability in context. */
    public String describe(ProviderContext context) {
        return describe(p -> {
            Availability a = availability(p, context);
            return a.isAvailable() ? "" : " (unavailable: " + a.reason() + ")";
        });
    }

    private String describe(Function<P, String> note) {
        if (providers.isEmpty()) {
            return "none (no " + kind + " plugin found)";
        }
        return providers.stream().map(p -> (p.aliases().isEmpty() ? p.name()
                        : p.name() + " (also " + String.join(", ", p.aliases()) + ")") + note.apply(p))
                .collect(Collectors.joining(", "));
    }

    private static String key(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }
}
