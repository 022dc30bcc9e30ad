package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;

/** {@code callbacks("timer")}: a {@link Timer} that stops training after {@code timer.duration}. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class TimerProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofDuration("duration", null, "training time after which to stop, e.g. 00:12:00:00 or 90m")
                    .asRequired());

    @Override
    public String name() {
        return "timer";
    }

    @Override
    public String description() {
        return "stops training after a given time; elapsed time survives checkpoints (Lightning's Timer)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        return new Timer(context.options().getDuration("duration"));
    }
}
