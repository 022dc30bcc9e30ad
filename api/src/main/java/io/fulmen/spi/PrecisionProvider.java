package io.fulmen.spi;

/**
 * Creates a {@link Precision} for a Lightning precision name such as {@code "32-true"}. Availability says whether
 * it works on {@link ProviderContext#accelerator()} (e.g. half precision only on GPUs).
 */
public interface PrecisionProvider extends ComponentProvider<Precision> {}
