package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;

/**
 * {@code callbacks("early_stopping")}: an {@link EarlyStopping} configured by {@code early_stopping.<key>} options
 * named as Lightning's {@code EarlyStopping} arguments; {@code monitor} is required.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class EarlyStoppingProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofString("monitor", null, "the metric to watch, e.g. val_loss").asRequired(),
            OptionSpec.ofDouble("min_delta", 0.0, "an improvement must exceed this"),
            OptionSpec.ofInt("patience", 3, "checks without improvement before stopping"),
            OptionSpec.ofEnum("mode", "min", "min stops when the metric stops decreasing, max increasing",
                    "min", "max"),
            OptionSpec.ofBoolean("verbose", false, "log every decision"),
            OptionSpec.ofBoolean("strict", true, "fail when the metric is missing"),
            OptionSpec.ofBoolean("check_finite", true, "stop when the metric is NaN or infinite"),
            OptionSpec.ofDouble("stopping_threshold", null, "stop once the metric is better than this"),
            OptionSpec.ofDouble("divergence_threshold", null, "stop once the metric is worse than this"),
            OptionSpec.ofBoolean("check_on_train_epoch_end", null, "check at train epoch end (true) or after "
                    + "validation (false); default: Lightning's automatic choice"),
            OptionSpec.ofBoolean("log_rank_zero_only", false, "only rank 0 logs its decisions"));

    @Override
    public String name() {
        return "early_stopping";
    }

    @Override
    public String description() {
        return "stops training when a monitored metric stops improving (Lightning's EarlyStopping)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        ProviderOptions o = context.options();
        EarlyStopping.Builder callback = EarlyStopping.builder(o.getString("monitor"))
                .minDelta(o.getDouble("min_delta"))
                .patience(o.getInt("patience"))
                .mode(o.getEnum("mode"))
                .verbose(o.getBoolean("verbose"))
                .strict(o.getBoolean("strict"))
                .checkFinite(o.getBoolean("check_finite"))
                .logRankZeroOnly(o.getBoolean("log_rank_zero_only"));
        if (o.isSet("stopping_threshold")) {
            callback.stoppingThreshold(o.getDouble("stopping_threshold"));
        }
        if (o.isSet("divergence_threshold")) {
            callback.divergenceThreshold(o.getDouble("divergence_threshold"));
        }
        if (o.isSet("check_on_train_epoch_end")) {
            callback.checkOnTrainEpochEnd(o.getBoolean("check_on_train_epoch_end"));
        }
        return callback.build();
    }
}
