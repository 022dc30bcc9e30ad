package io.fulmen.spi;

import org.apiguardian.api.API;

/**
 * The version of the Fulmen api a runtime implements. Plugin bundles state the range they need in
 * {@code plugin.requires} (e.g. {@code >=0.2.0 & <0.3.0}); the runtime refuses bundles outside it. Semantic
 * versioning: a minor version adds to the api, a major version may break it; before 1.0.0 a minor version may
 * break it too (0.2.0 replaced the four provider shapes and {@code PluginOptions} with {@link ComponentProvider}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ApiVersion {
    /** This api's version: 0.2.0, the uniform provider shape with typed, namespaced options. */
    public static final String CURRENT = "0.2.0";

    private ApiVersion() {}
}
