package io.fulmen.runtime.precision;

import ai.djl.ndarray.types.DataType;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

/**
 * Provides {@code "16-true"}: float16 parameters, inputs, gradients and optimizer state, no loss scaling (as
 * Lightning's {@code HalfPrecision}: small updates and Adam's default epsilon round away in float16; prefer
 * {@code "16-mixed"} for training).
 */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class HalfPrecisionProvider implements PrecisionProvider {
    @Override
    public String name() {
        return "16-true";
    }

    @Override
    public String description() {
        return "float16 parameters and math, no loss scaling";
    }

    @Override
    public Precision create(ProviderContext context) {
        return new TruePrecision(name(), DataType.FLOAT16);
    }
}
