package io.fulmen;

import org.apiguardian.api.API;

/** Holds the native memory of a module's parameters; implemented by the runtime. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public interface ParameterOwner extends AutoCloseable {
    @Override
    void close();
}
