package io.fulmen.runtime.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.fulmen.spi.Autograd;

/** Autograd on libtorch through DJL's JNI layer, without DJL's process-wide collector lock. */
final class PyTorchAutograd implements Autograd {
    /** The calling thread's mode as last set here; null until read once. Runs are single-threaded. */
    private Boolean mode;

    @Override
    public boolean setGradEnabled(boolean enabled) {
        boolean previous = mode != null ? mode : JniUtils.isGradMode();
        if (previous != enabled) {
            JniUtils.setGradMode(enabled);
        }
        mode = enabled;
        return previous;
    }

    @Override
    public void backward(NDArray loss) {
        if (loss.getShape().size() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got shape " + loss.getShape()
                    + ": reduce it with mean() or sum()");
        }
        try (NDArray seed = loss.getManager().ones(loss.getShape(), loss.getDataType(), loss.getDevice())) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
        }
    }

    @Override
    public void zeroGrad(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }
}
