package io.fulmen.runtime.cluster;

import io.fulmen.spi.ClusterEnvironment;
import io.fulmen.spi.ClusterEnvironmentProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * Processes started by torchrun or {@code fulmen-run} (Lightning's {@code TorchElasticEnvironment}): every process
 * has {@code MASTER_ADDR}, {@code MASTER_PORT}, {@code WORLD_SIZE}, {@code RANK} and {@code LOCAL_RANK};
 * {@code NODE_RANK} (or torchrun's {@code GROUP_RANK}) defaults to 0.
 */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class TorchElasticEnvironmentProvider implements ClusterEnvironmentProvider {
    static final List<String> REQUIRED = List.of("MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK", "LOCAL_RANK");

    @Override
    public String name() {
        return "torchelastic";
    }

    @Override
    public String description() {
        return "processes started by torchrun or fulmen-run (" + String.join(", ", REQUIRED) + ")";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean detect(Map<String, String> env) {
        EnvVars v = new EnvVars(env);
        return REQUIRED.stream().allMatch(v::has);
    }

    @Override
    public ClusterEnvironment create(Map<String, String> env, ProviderContext context) {
        EnvVars v = new EnvVars(env);
        for (String name : REQUIRED) {
            v.string(name, null);
            if (!v.has(name)) {
                throw new IllegalArgumentException("torchelastic environment needs " + name + " (set: all of "
                        + REQUIRED + ")");
            }
        }
        int nodeRank = v.integer("NODE_RANK", v.integer("GROUP_RANK", 0));
        return new Ranks(name(), true, v.string("MASTER_ADDR", null), v.port("MASTER_PORT", 0),
                v.integer("WORLD_SIZE"), v.integer("RANK"), v.integer("LOCAL_RANK"), nodeRank);
    }
}
