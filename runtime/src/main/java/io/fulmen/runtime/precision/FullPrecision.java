package io.fulmen.runtime.precision;

import io.fulmen.spi.Precision;

/** Lightning's {@code "32-true"}: float32 parameters and computation, no loss scaling. */
public final class FullPrecision implements Precision {
    @Override
    public String name() {
        return "32-true";
    }
}
