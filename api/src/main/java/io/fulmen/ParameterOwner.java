package io.fulmen;

/** Holds the native memory of a module's parameters; implemented by the runtime. */
public interface ParameterOwner extends AutoCloseable {
    @Override
    void close();
}
