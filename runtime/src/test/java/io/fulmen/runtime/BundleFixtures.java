package io.fulmen.runtime;

import io.fulmen.data.DataLoader;

/** Public doors to the package-private fixtures, for tests in other packages. */
public final class BundleFixtures {
    private BundleFixtures() {}

    /** A small classifier. */
    public static final class Tiny extends Fixtures.Classifier {
    }

    /** 4 batches of 16. */
    public static DataLoader loader() {
        return Fixtures.loader(Fixtures.blobs(64, 8, 1), 16, false);
    }
}
