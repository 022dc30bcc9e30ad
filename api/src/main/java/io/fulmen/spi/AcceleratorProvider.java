package io.fulmen.spi;

/**
 * Creates an {@link Accelerator}; {@code "auto"} picks the available one with the highest priority. Its
 * {@link ProviderContext} has no accelerator yet (accelerators are resolved first): availability says whether the
 * hardware is present and usable now.
 */
public interface AcceleratorProvider extends ComponentProvider<Accelerator> {
    /** How many devices {@code devices("auto")} means here. */
    default int autoDeviceCount() {
        return 1;
    }
}
