package io.fulmen.runtime.plugin;

import io.fulmen.spi.ComponentProvider;
import org.apiguardian.api.API;

import java.util.Objects;

/**
 * One extension point the runtime discovers: the provider interface plugins implement and register in
 * {@code META-INF/services}, and the word used for it in messages and listings ({@code "logger"}).
 *
 * @param kind the SPI's name in messages, e.g. {@code "accelerator"}
 * @param type the provider interface, e.g. {@code AcceleratorProvider.class}
 * @param <P>  the provider interface
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public record Spi<P extends ComponentProvider<?>>(String kind, Class<P> type) {
    /** Checks both parts are present. */
    public Spi {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
    }
}
