package io.fulmen.runtime.precision;

import io.fulmen.spi.Precision;
import org.apiguardian.api.API;

/** Lightning's {@code "32-true"}: float32 parameters and computation, no loss scaling. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class FullPrecision implements Precision {
    @Override
    public String name() {
        return "32-true";
    }
}
