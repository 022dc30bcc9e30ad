package io.fulmen.runtime.plugin;

import io.fulmen.spi.ComponentProvider;

/**
 * Somewhere providers come from: the classpath ({@link ClasspathSource}) or the plugin bundles of a folder
 * ({@link BundleSource}). The registry asks every source for every SPI in the same way, so a new SPI or a new
 * source is one addition, not an edit in every place that discovers.
 */
interface ProviderSource {
    /** Offers every provider of {@code spi} this source holds to {@code sink}, in this source's order. */
    <P extends ComponentProvider<?>> void discover(Spi<P> spi, Sink<P> sink);

    /** Receives what a source found. */
    interface Sink<P extends ComponentProvider<?>> {
        /** A provider was built; {@code origin} says where it came from, for listings and conflict reports. */
        void found(P provider, String origin);

        /** A provider could not be listed or built; {@code what} names it (a class, a bundle) for the report. */
        void failed(String what, Throwable cause);
    }
}
