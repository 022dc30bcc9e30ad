package io.fulmen.spi;

/**
 * The version of the Fulmen api a runtime implements. Plugin bundles state the range they need in
 * {@code plugin.requires} (e.g. {@code >=0.1.0 & <1.0.0}); the runtime refuses bundles outside it. Semantic
 * versioning: a minor version adds to the api, a major version may break it.
 */
public final class ApiVersion {
    /** This api's version. */
    public static final String CURRENT = "0.1.0";

    private ApiVersion() {}
}
