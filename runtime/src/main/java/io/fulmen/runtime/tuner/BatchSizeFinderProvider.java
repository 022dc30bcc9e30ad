package io.fulmen.runtime.tuner;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;

/** {@code callbacks("batch_size_finder")}: a {@link BatchSizeFinder} with Lightning's arguments and CPU limits. */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class BatchSizeFinderProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofEnum("mode", "power", "double until too big, then halve (power) or bisect (binsearch)",
                    "power", "binsearch"),
            OptionSpec.ofInt("steps_per_trial", 3, "training steps of each trial"),
            OptionSpec.ofInt("init_val", 2, "the first batch size tried"),
            OptionSpec.ofInt("max_trials", 25, "the most trials"),
            OptionSpec.ofString("batch_arg_name", "batch_size", "the attribute holding the batch size"),
            OptionSpec.ofDuration("max_step_time", null, "a size is too big when its median step takes longer"),
            OptionSpec.ofLong("max_memory_bytes", null, "a size is too big when the process's peak resident memory "
                    + "during its trial exceeds this (Linux)"));

    @Override
    public String name() {
        return "batch_size_finder";
    }

    @Override
    public String description() {
        return "finds the largest batch size that fits at the start of fit (Lightning's BatchSizeFinder; on a CPU a "
                + "step-time or memory limit says what is too big)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        ProviderOptions o = context.options();
        BatchSizeOptions options = BatchSizeOptions.defaults()
                .withMode(BatchSizeOptions.Mode.valueOf(o.getEnum("mode").toUpperCase(Locale.ROOT)))
                .withStepsPerTrial(o.getInt("steps_per_trial")).withInitVal(o.getInt("init_val"))
                .withMaxTrials(o.getInt("max_trials")).withBatchArgName(o.getString("batch_arg_name"));
        if (o.isSet("max_step_time")) {
            options = options.withMaxStepTime(o.getDuration("max_step_time"));
        }
        if (o.isSet("max_memory_bytes")) {
            options = options.withMaxMemoryBytes(o.getLong("max_memory_bytes"));
        }
        return new BatchSizeFinder(options);
    }
}
