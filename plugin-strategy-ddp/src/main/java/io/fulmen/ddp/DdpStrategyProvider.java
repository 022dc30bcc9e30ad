package io.fulmen.ddp;

import io.fulmen.spi.Availability;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.Strategy;
import io.fulmen.spi.StrategyProvider;

import java.util.List;

/** Provides {@code "ddp"}: distributed data parallel over processes and nodes, on Gloo. */
public final class DdpStrategyProvider implements StrategyProvider {
    @Override
    public String name() {
        return "ddp";
    }

    @Override
    public String description() {
        return "distributed data parallel: one process per device on every node, gradients averaged on Gloo";
    }

    @Override
    public Availability availability(ProviderContext context) {
        int devices = context.devices().orElse(1);
        if (devices * context.numNodes() > 1) {
            return Availability.available();
        }
        return Availability.unavailable("runs several processes; with 1 device on 1 node use single_device");
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofDuration("timeout", "5m", "how long joining the group and each collective may take "
                        + "before the ranks fail (a dead or hung rank)"),
                OptionSpec.ofInt("bucket_mb", 25, "megabytes of gradients averaged per collective call"));
    }

    @Override
    public Strategy create(ProviderContext context) {
        return new DdpStrategy(context.options().getDuration("timeout"),
                context.options().getInt("bucket_mb") * 1024L * 1024L, System.getenv(), System.out);
    }
}
