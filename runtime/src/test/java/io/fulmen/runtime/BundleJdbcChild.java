package io.fulmen.runtime;

import java.nio.file.Path;

/**
 * {@link ContextClassLoaderBundleTest}'s child JVM, where {@code DriverManager} has not looked for drivers yet (it
 * does so once per JVM, through the context class loader of its first caller): prints what the probe logger saw.
 */
public final class BundleJdbcChild {
    private BundleJdbcChild() {}

    /** {@code <plugins folder> <root dir>}. */
    public static void main(String[] args) {
        JdbcProbeBundle.run(Path.of(args[0]), Path.of(args[1])).forEach(e -> System.out.println("EVENT " + e));
    }
}
