package io.fulmen.runtime.cluster;

import io.fulmen.runtime.plugin.Registry;
import io.fulmen.spi.ClusterEnvironment;
import io.fulmen.spi.ClusterEnvironmentProvider;
import io.fulmen.spi.ComponentProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Picks the cluster environment of this process: the highest-priority provider that detects its variables. */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class ClusterEnvironments {
    private ClusterEnvironments() {}

    /**
     * The environment that {@code env} describes, read by the highest-priority provider of {@code registry} that
     * detects it; {@link ClusterEnvironment#singleProcess()} for one device on one node when none does.
     */
    public static ClusterEnvironment detect(Registry<ClusterEnvironmentProvider> registry, Map<String, String> env,
                                            ProviderContext context) {
        return detect(List.copyOf(registry.all()), env, context);
    }

    /** As {@link #detect(Registry, Map, ProviderContext)} over a plain list of providers. */
    public static ClusterEnvironment detect(List<? extends ClusterEnvironmentProvider> providers,
                                            Map<String, String> env, ProviderContext context) {
        return providers.stream()
                .sorted(Comparator.comparingInt(ComponentProvider<ClusterEnvironment>::priority).reversed())
                .filter(p -> p.detect(env))
                .findFirst()
                .map(p -> p.create(env, context))
                .orElse(ClusterEnvironment.singleProcess());
    }
}
