package io.fulmen.runtime.tuner;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;

/** {@code callbacks("learning_rate_finder")}: a {@link LearningRateFinder} with Lightning's arguments. */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class LearningRateFinderProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofDouble("min_lr", 1e-8, "the learning rate of the first step"),
            OptionSpec.ofDouble("max_lr", 1.0, "the learning rate the last step reaches"),
            OptionSpec.ofInt("num_training_steps", 100, "learning rates to try, one step each"),
            OptionSpec.ofEnum("mode", "exponential", "how the learning rate grows", "exponential", "linear"),
            OptionSpec.ofDouble("early_stop_threshold", 4.0, "stop once the smoothed loss exceeds this multiple of "
                    + "the best"),
            OptionSpec.ofBoolean("update_attr", true, "set the module's learning rate to the suggestion"),
            OptionSpec.ofString("attr_name", "", "the attribute to set; empty looks for lr, then learning_rate"));

    @Override
    public String name() {
        return "learning_rate_finder";
    }

    @Override
    public String description() {
        return "runs the learning-rate range test at the start of fit and sets the suggested rate (Lightning's "
                + "LearningRateFinder)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        ProviderOptions o = context.options();
        return new LearningRateFinder(LrFindOptions.defaults().withMinLr(o.getDouble("min_lr"))
                .withMaxLr(o.getDouble("max_lr")).withNumTraining(o.getInt("num_training_steps"))
                .withMode(LrFindOptions.Mode.valueOf(o.getEnum("mode").toUpperCase(Locale.ROOT)))
                .withEarlyStopThreshold(o.getDouble("early_stop_threshold"))
                .withUpdateAttr(o.getBoolean("update_attr")).withAttrName(o.getString("attr_name")));
    }
}
