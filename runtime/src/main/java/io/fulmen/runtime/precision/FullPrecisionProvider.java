package io.fulmen.runtime.precision;

import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;

/** Provides {@code "32-true"} (also {@code "32"}), the default precision; available on every accelerator. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class FullPrecisionProvider implements PrecisionProvider {
    @Override
    public String name() {
        return "32-true";
    }

    @Override
    public List<String> aliases() {
        return List.of("32");
    }

    @Override
    public String description() {
        return "float32 parameters and math";
    }

    @Override
    public Precision create(ProviderContext context) {
        return new FullPrecision();
    }
}
