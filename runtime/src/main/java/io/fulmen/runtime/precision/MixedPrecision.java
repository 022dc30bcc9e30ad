package io.fulmen.runtime.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.fulmen.spi.Precision;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * Lightning's {@code "16-mixed"} (and the shape of {@code "bf16-mixed"}): float32 master weights, gradients and
 * optimizer state, with each block's forward and backward in a low-precision type.
 *
 * <p>DJL has no autocast, so the policy is drawn at the block boundary, where the runtime calls the precision:
 * <ul>
 *   <li>a block's floating-point inputs are cast to the low type, and every weight and bias it reads is replaced by
 *       a low-precision working copy made for this forward (autocast does the same: cast the weight per op, keep
 *       the float32 parameter). Every op inside the block (matmul, convolution, activations, pooling, embedding)
 *       then runs in the low type;</li>
 *   <li>normalisation parameters (the gamma and beta of batch and layer norm, and the running statistics) stay
 *       float32: libtorch's CPU batch and layer norm take a low-precision input with float32 parameters and
 *       accumulate in float32, and the running statistics are updated in place in the float32 parameter;</li>
 *   <li>the block's floating-point outputs are cast back to float32, so whatever the training step does with
 *       them, losses, softmax and log-softmax, metrics, runs in float32 (torch.amp's float32 list).</li>
 * </ul>
 * Every cast is recorded by autograd ({@link Casts}): backward runs through the block in the low type and each
 * working copy hands its gradient to its float32 parameter, where it accumulates in float32. Clipping, the
 * optimizer, checkpoints and exact resume see only float32 parameters and gradients.
 *
 * <p>With a {@link GradScaler} ({@code 16-mixed}), the loss is scaled before backward and the float32 gradients
 * are unscaled and checked before clipping and the step, which is skipped on inf/NaN; the scaler's state goes
 * into checkpoints.
 */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class MixedPrecision implements Precision {
    private final String name;
    private final DataType lowType;
    private final GradScaler scaler;

    MixedPrecision(String name, DataType lowType, GradScaler scaler) {
        this.name = name;
        this.lowType = lowType;
        this.scaler = scaler;
    }

    @Override
    public String name() {
        return name;
    }

    /** The type blocks compute in. */
    public DataType lowType() {
        return lowType;
    }

    @Override
    public NDList convertInput(NDList inputs) {
        return Casts.floatingTo(inputs, lowType);
    }

    @Override
    public NDArray forwardParameter(Parameter parameter, NDArray value, NDManager manager) {
        if (value.getDataType() != DataType.FLOAT32 || staysFloat32(parameter.getType())) {
            return value;
        }
        return Casts.to(value, lowType, manager);
    }

    private static boolean staysFloat32(Parameter.Type type) {
        return type == Parameter.Type.GAMMA || type == Parameter.Type.BETA
                || type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR;
    }

    @Override
    public NDList convertOutput(NDList outputs) {
        return Casts.floatingTo(outputs, DataType.FLOAT32);
    }

    @Override
    public NDArray preBackward(NDArray loss) {
        return scaler == null ? loss : scaler.scale(loss);
    }

    @Override
    public boolean beforeOptimizerStep(List<Parameter> parameters) {
        return scaler == null || scaler.unscale(parameters);
    }

    @Override
    public void afterOptimizerStep(boolean stepped) {
        if (scaler != null) {
            scaler.update(!stepped);
        }
    }

    @Override
    public Map<String, Object> stateDict() {
        return scaler == null ? Map.of() : scaler.stateDict();
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        if (scaler != null) {
            scaler.loadStateDict(state);
        } else if (!state.isEmpty()) {
            throw new IllegalArgumentException(name + " has no loss scaler to take " + state.keySet());
        }
    }

    @Override
    public String toString() {
        return scaler == null ? name : name + "(loss scale " + scaler.scale() + ")";
    }
}
