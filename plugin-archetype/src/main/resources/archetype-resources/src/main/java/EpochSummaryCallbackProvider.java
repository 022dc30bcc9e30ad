package ${package};

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;

import java.util.List;

/**
 * Makes {@code callbacks("${callbackName}")} work, from the class path or from this plugin's bundle: listed in
 * {@code META-INF/services/io.fulmen.spi.CallbackProvider}. One option, {@code ${callbackName}.file}.
 */
public final class EpochSummaryCallbackProvider implements CallbackProvider {
    /** What users write in {@code callbacks(...)}; unique among callbacks. */
    public static final String NAME = "${callbackName}";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "one line per training epoch (epoch, step, callback metrics) in <root>/${callbackName}.txt";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.ofPath("file", "${callbackName}.txt", "the file, relative to the Trainer's root"));
    }

    @Override
    public Callback create(ProviderContext context) {
        return new EpochSummaryCallback(context.rootDir().resolve(context.options().getPath("file")));
    }
}
