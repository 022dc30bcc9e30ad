package io.fulmen.runtime.loop;

import io.fulmen.data.DataLoader;
import io.fulmen.data.DistributedShard;

/** Lightning's {@code use_distributed_sampler}: each rank of several gets its shard of a fit's loaders. */
final class Sharding {
    private Sharding() {}

    /** {@code loader} (may be null) as this rank's shard when several processes train and sharding is on. */
    static DataLoader of(RunContext run, DataLoader loader) {
        int world = run.strategy.worldSize();
        if (loader == null || world <= 1 || !run.settings.useDistributedSampler()
                || loader.source() instanceof DistributedShard) {
            return loader;
        }
        return DistributedShard.shard(loader, run.strategy.globalRank(), world);
    }
}
