package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;

/** {@code callbacks("learning_rate_monitor")}: a {@link LearningRateMonitor}; option {@code logging_interval}. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class LearningRateMonitorProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofEnum("logging_interval", "auto", "log at every optimizer step (step or auto) or epoch",
                    "auto", "step", "epoch"));

    @Override
    public String name() {
        return "learning_rate_monitor";
    }

    @Override
    public String description() {
        return "logs every optimizer's learning rate to the loggers (Lightning's LearningRateMonitor)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        return LearningRateMonitor.of(context.options().getEnum("logging_interval"));
    }
}
