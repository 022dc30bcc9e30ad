package io.fulmen.spi;

/**
 * A named factory for one SPI implementation, discovered with {@code ServiceLoader} from the classpath or from a
 * plugin bundle. Names are what users write in the Trainer builder ({@code accelerator("cpu")}); they are matched
 * case-insensitively and must be unique per SPI.
 */
public interface Provider {
    String name();

    /** Other names this provider answers to, e.g. {@code "32"} for {@code "32-true"}. */
    default java.util.List<String> aliases() {
        return java.util.List.of();
    }

    /** One line for listings and error messages. */
    default String description() {
        return "";
    }

    /** Higher wins when the user asks for {@code "auto"}. */
    default int priority() {
        return 0;
    }
}
