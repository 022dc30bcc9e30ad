package io.fulmen.runtime.precision;

import ai.djl.ndarray.types.DataType;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;

/**
 * Provides {@code "16-mixed"} (also {@code "16"}, which Lightning keeps for historical reasons): float32 master
 * weights, float16 forward and backward, dynamic loss scaling with {@code torch.amp.GradScaler}'s defaults, which
 * its options change.
 */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class MixedPrecisionProvider implements PrecisionProvider {
    @Override
    public String name() {
        return "16-mixed";
    }

    @Override
    public List<String> aliases() {
        return List.of("16");
    }

    @Override
    public String description() {
        return "float16 forward/backward on float32 master weights, dynamic loss scaling";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofDouble("init_scale", GradScaler.DEFAULT_INIT_SCALE, "the first loss scale"),
                OptionSpec.ofDouble("growth_factor", GradScaler.DEFAULT_GROWTH_FACTOR,
                        "the scale is multiplied by this after growth_interval steps without inf/NaN"),
                OptionSpec.ofDouble("backoff_factor", GradScaler.DEFAULT_BACKOFF_FACTOR,
                        "the scale is multiplied by this when a step is skipped for inf/NaN gradients"),
                OptionSpec.ofInt("growth_interval", GradScaler.DEFAULT_GROWTH_INTERVAL,
                        "clean steps in a row before the scale grows"));
    }

    @Override
    public Precision create(ProviderContext context) {
        ProviderOptions o = context.options();
        GradScaler scaler = new GradScaler(o.getDouble("init_scale"), o.getDouble("growth_factor"),
                o.getDouble("backoff_factor"), o.getInt("growth_interval"));
        return new MixedPrecision(name(), DataType.FLOAT16, scaler);
    }
}
