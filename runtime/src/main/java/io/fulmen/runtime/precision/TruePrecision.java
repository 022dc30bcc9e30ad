package io.fulmen.runtime.precision;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import io.fulmen.spi.Precision;
import org.apiguardian.api.API;

/**
 * Lightning's {@code "64-true"} and {@code "16-true"} ({@code DoublePrecision}, {@code HalfPrecision}): parameters are
 * created in the type, floating-point block inputs are cast to it, and everything else follows: activations,
 * outputs, the loss, gradients and the optimizer state are all in the type. No loss scaling.
 */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class TruePrecision implements Precision {
    private final String name;
    private final DataType type;

    public TruePrecision(String name, DataType type) {
        this.name = name;
        this.type = type;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DataType parameterType() {
        return type;
    }

    @Override
    public NDList convertInput(NDList inputs) {
        return Casts.floatingTo(inputs, type);
    }

    @Override
    public String toString() {
        return name;
    }
}
