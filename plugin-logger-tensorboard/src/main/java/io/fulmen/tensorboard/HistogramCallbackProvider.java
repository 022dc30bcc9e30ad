package io.fulmen.tensorboard;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;

import java.util.List;

/**
 * {@code callbacks("histogram")}: a {@link HistogramCallback} logging weights and gradients to the TensorBoard
 * loggers; options {@code histogram.every_n_steps}, {@code histogram.weights}, {@code histogram.gradients}.
 */
public final class HistogramCallbackProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofInt("every_n_steps", 100, "log every n optimizer steps"),
            OptionSpec.ofBoolean("weights", true, "log the parameters' values as weights/<path>"),
            OptionSpec.ofBoolean("gradients", true, "log the parameters' gradients as gradients/<path>"));

    @Override
    public String name() {
        return "histogram";
    }

    @Override
    public String description() {
        return "histograms of every parameter's weights and gradients in the TensorBoard loggers";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        return new HistogramCallback(context.options().getInt("every_n_steps"))
                .weights(context.options().getBoolean("weights"))
                .gradients(context.options().getBoolean("gradients"));
    }
}
