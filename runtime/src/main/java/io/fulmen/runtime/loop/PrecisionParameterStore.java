package io.fulmen.runtime.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.fulmen.spi.Precision;

/**
 * The parameter store a block's forward reads its parameters from: the module's own store, each value passed
 * through {@link Precision#forwardParameter} (mixed precision hands out low-precision working copies there). The
 * arrays the precision makes belong to the manager of the forward's inputs, freed with the batch.
 */
final class PrecisionParameterStore extends ParameterStore {
    private final ParameterStore parameters;
    private final Precision precision;
    private NDManager forwardManager;

    PrecisionParameterStore(ParameterStore parameters, Precision precision) {
        super(parameters.getManager(), false);
        this.parameters = parameters;
        this.precision = precision;
    }

    ParameterStore parameters() {
        return parameters;
    }

    /** Sets where the forward about to run puts its working copies; returns the previous one (nested forwards). */
    NDManager enter(NDManager manager) {
        NDManager previous = forwardManager;
        forwardManager = manager;
        return previous;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray value = parameters.getValue(parameter, device, training);
        if (value == null || forwardManager == null) {
            return value;
        }
        return precision.forwardParameter(parameter, value, forwardManager);
    }

    @Override
    public NDManager getManager() {
        return parameters.getManager();
    }

    @Override
    public void sync() {
        parameters.sync();
    }
}
