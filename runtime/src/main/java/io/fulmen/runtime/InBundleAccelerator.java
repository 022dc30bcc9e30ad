package io.fulmen.runtime;

import ai.djl.Device;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.DeviceSpec;

import java.util.List;
import java.util.Map;

/** An accelerator from a plugin bundle, every call run with the bundle's class loader as the context class loader. */
final class InBundleAccelerator implements Accelerator {
    private final Accelerator delegate;
    private final ClassLoader loader;

    InBundleAccelerator(Accelerator delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    @Override
    public String name() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.name();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public List<Device> devices(DeviceSpec spec) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.devices(spec);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Device deviceForLocalRank(DeviceSpec spec, int localRank) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.deviceForLocalRank(spec, localRank);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void setupDevice(Device device) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.setupDevice(device);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public Map<String, Double> deviceStats(Device device) {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            return delegate.deviceStats(device);
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public void teardown() {
        ClassLoader previous = ContextLoader.enter(loader);
        try {
            delegate.teardown();
        } finally {
            ContextLoader.exit(previous);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
