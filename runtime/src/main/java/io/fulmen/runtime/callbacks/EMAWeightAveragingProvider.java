package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;

/** {@code callbacks("ema")}: an {@link EMAWeightAveraging} configured with Lightning's argument names. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class EMAWeightAveragingProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofDouble("decay", 0.999, "weight of the running average at each update"),
            OptionSpec.ofInt("update_every_n_steps", 1, "update after every n-th optimizer step"),
            OptionSpec.ofLong("update_starting_at_step", null, "first optimizer step (zero-based) that updates"),
            OptionSpec.ofInt("update_starting_at_epoch", null, "update at the end of every epoch from this one"));

    @Override
    public String name() {
        return "ema";
    }

    @Override
    public String description() {
        return "exponential moving average of the weights, used for validation and at the end of training "
                + "(Lightning's EMAWeightAveraging)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        ProviderOptions o = context.options();
        return new EMAWeightAveraging(o.getDouble("decay"), o.getInt("update_every_n_steps"),
                o.isSet("update_starting_at_step") ? o.getLong("update_starting_at_step") : null,
                o.isSet("update_starting_at_epoch") ? o.getInt("update_starting_at_epoch") : null);
    }
}
