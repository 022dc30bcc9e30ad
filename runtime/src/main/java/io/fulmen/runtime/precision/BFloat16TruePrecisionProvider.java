package io.fulmen.runtime.precision;

import io.fulmen.spi.Availability;
import io.fulmen.spi.Precision;
import io.fulmen.spi.PrecisionProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

/**
 * Names {@code "bf16-true"} so that asking for it fails before any work with the reason and what to use instead:
 * DJL's PyTorch engine cannot make bfloat16 tensors (see {@link BFloat16Support}).
 */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class BFloat16TruePrecisionProvider implements PrecisionProvider {
    @Override
    public String name() {
        return "bf16-true";
    }

    @Override
    public String description() {
        return "bfloat16 parameters and math (not available on DJL's PyTorch engine)";
    }

    @Override
    public Availability availability(ProviderContext context) {
        return BFloat16Support.UNAVAILABLE;
    }

    @Override
    public Precision create(ProviderContext context) {
        throw new IllegalStateException("precision 'bf16-true' is unavailable: "
                + BFloat16Support.UNAVAILABLE.reason());
    }
}
