package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;

/** {@code callbacks("device_stats_monitor")}: a {@link DeviceStatsMonitor}; option {@code cpu_stats}. */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class DeviceStatsMonitorProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofEnum("cpu_stats", "auto", "host CPU and memory statistics: auto (only when training on the "
                    + "CPU), true (also on a GPU) or false (never)", "auto", "true", "false"));

    @Override
    public String name() {
        return "device_stats_monitor";
    }

    @Override
    public String description() {
        return "logs device statistics (GPU memory; on the CPU: process RSS, CPU %, JVM heap) at every training "
                + "batch that logs (Lightning's DeviceStatsMonitor)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        return switch (context.options().getEnum("cpu_stats").toLowerCase(Locale.ROOT)) {
            case "true" -> new DeviceStatsMonitor(true);
            case "false" -> new DeviceStatsMonitor(false);
            default -> new DeviceStatsMonitor(null);
        };
    }
}
