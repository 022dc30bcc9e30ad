package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Creates a {@link Precision} for a Lightning precision name such as {@code "32-true"}. Availability says whether
 * it works on {@link ProviderContext#accelerator()} (e.g. half precision only on GPUs).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface PrecisionProvider extends ComponentProvider<Precision> {}
