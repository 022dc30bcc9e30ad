package io.fulmen.spi;

import org.apiguardian.api.API;

import java.util.Map;

/**
 * Recognises and reads one kind of {@link ClusterEnvironment} from the process environment (Lightning's
 * {@code ClusterEnvironment.detect()}). The Trainer asks every provider, highest {@link #priority()} first, and
 * uses the first that {@link #detect detects} its variables; the environment is passed in explicitly, so that
 * providers are tested with plain maps.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface ClusterEnvironmentProvider extends ComponentProvider<ClusterEnvironment> {
    /** Whether {@code env} (variable name to value) holds what this environment needs. */
    boolean detect(Map<String, String> env);

    /**
     * The environment read from {@code env}; {@code context} gives the devices per node and the node count the
     * Trainer was asked for, which fill in what {@code env} leaves out.
     *
     * @throws IllegalArgumentException naming the variable when one is present but malformed
     */
    ClusterEnvironment create(Map<String, String> env, ProviderContext context);

    /** {@link #create(Map, ProviderContext)} with this process's environment variables. */
    @Override
    default ClusterEnvironment create(ProviderContext context) {
        return create(System.getenv(), context);
    }
}
