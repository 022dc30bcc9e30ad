package io.fulmen.runtime.precision;

import ai.djl.ndarray.types.DataType;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;

/** Provides {@code "64-true"} (also {@code "64"}): float64 parameters, inputs, gradients and optimizer state. */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class DoublePrecisionProvider implements PrecisionProvider {
    @Override
    public String name() {
        return "64-true";
    }

    @Override
    public List<String> aliases() {
        return List.of("64");
    }

    @Override
    public String description() {
        return "float64 parameters and math";
    }

    @Override
    public Precision create(ProviderContext context) {
        return new TruePrecision(name(), DataType.FLOAT64);
    }
}
