package io.fulmen.spi;

/** Creates an {@link Accelerator}; {@code "auto"} picks the available one with the highest priority. */
public interface AcceleratorProvider extends Provider {
    /** Whether this hardware is present and usable now. */
    boolean isAvailable();

    /** How many devices {@code devices("auto")} means here. */
    default int autoDeviceCount() {
        return 1;
    }

    Accelerator create(PluginOptions options);
}
