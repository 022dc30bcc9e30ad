package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;

/**
 * {@code callbacks("stochastic_weight_averaging")}: a {@link StochasticWeightAveraging} with Lightning's argument
 * names; {@code swa_epoch_start} is an epoch ({@code 3}) or a fraction of max_epochs ({@code 0.8}), as in Lightning.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class StochasticWeightAveragingProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofDouble("swa_lrs", null, "the SWA learning rate").asRequired(),
            OptionSpec.ofString("swa_epoch_start", "0.8", "first averaged epoch (1-based integer) or a fraction of "
                    + "max_epochs (a number with a decimal point)"),
            OptionSpec.ofInt("annealing_epochs", 10, "epochs over which the rate anneals to swa_lrs"),
            OptionSpec.ofEnum("annealing_strategy", "cos", "how the rate anneals", "cos", "linear"));

    @Override
    public String name() {
        return "stochastic_weight_averaging";
    }

    @Override
    public String description() {
        return "averages the weights of the last epochs and anneals the rate to a constant "
                + "(Lightning's StochasticWeightAveraging)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        ProviderOptions o = context.options();
        String start = o.getString("swa_epoch_start").trim();
        Number swaEpochStart;
        try {
            swaEpochStart = start.contains(".") || start.contains("e") || start.contains("E")
                    ? (Number) Double.parseDouble(start) : (Number) Integer.parseInt(start);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stochastic_weight_averaging.swa_epoch_start must be an integer "
                    + "epoch (e.g. 3) or a fraction of max_epochs (e.g. 0.8), got '" + start + "'", e);
        }
        return new StochasticWeightAveraging(o.getDouble("swa_lrs"), swaEpochStart, o.getInt("annealing_epochs"),
                StochasticWeightAveraging.annealing(o.getEnum("annealing_strategy")));
    }
}
