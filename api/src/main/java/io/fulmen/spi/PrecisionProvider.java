package io.fulmen.spi;

/** Creates a {@link Precision} for a Lightning precision name such as {@code "32-true"}. */
public interface PrecisionProvider extends Provider {
    /** Whether this precision works on {@code accelerator} (e.g. half precision only on GPUs). */
    default boolean supports(String accelerator) {
        return true;
    }

    Precision create(PluginOptions options);
}
