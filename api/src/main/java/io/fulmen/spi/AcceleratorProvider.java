package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * Creates an {@link Accelerator}; {@code "auto"} picks the available one with the highest priority. Its
 * {@link ProviderContext} has no accelerator yet (accelerators are resolved first): availability says whether the
 * hardware is present and usable now.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface AcceleratorProvider extends ComponentProvider<Accelerator> {
    /** How many devices {@code devices("auto")} means here. */
    default int autoDeviceCount() {
        return 1;
    }
}
