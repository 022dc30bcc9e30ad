package io.fulmen.runtime.precision;

import io.fulmen.spi.Availability;

/** Why bfloat16 precisions are refused on DJL's PyTorch engine, found by running it (see BFloat16ProbeTest). */
final class BFloat16Support {
    static final Availability UNAVAILABLE = Availability.unavailable("DJL's PyTorch engine (0.35.1 and 0.36.0) "
            + "cannot create bfloat16 tensors: its JNI maps DJL data types to libtorch's without a case for "
            + "bfloat16 and rethrows no exception, which aborts the JVM (std::terminate) on any bfloat16 cast or "
            + "allocation. Use precision(\"16-mixed\") for low-precision training, or \"32-true\"");

    private BFloat16Support() {}
}
