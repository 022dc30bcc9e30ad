package io.fulmen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.apiguardian.api.API;

/** Common losses as one-line functions of NDArrays, averaged over the batch like PyTorch's default reduction. */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class Losses {
    private Losses() {}

    /** Cross entropy of unnormalised {@code logits} (batch, classes) against class indices (batch). */
    public static NDArray crossEntropy(NDArray logits, NDArray classIndices) {
        int classAxis = logits.getShape().dimension() - 1;
        NDArray logProbabilities = logits.logSoftmax(classAxis);
        NDArray picked;
        try {
            picked = logProbabilities.get(new NDIndex().addAllDim(classAxis).addPickDim(classIndices));
        } catch (UnsupportedOperationException noPickIndexing) {
            // DJL's TensorFlow engine has no pick indexing: select the class's log-probability with a one-hot mask
            int classes = (int) logits.getShape().get(classAxis);
            NDArray mask = classIndices.toType(ai.djl.ndarray.types.DataType.INT32, false).oneHot(classes)
                    .toType(logProbabilities.getDataType(), false);
            picked = logProbabilities.mul(mask).sum(new int[] {classAxis});
        }
        return picked.neg().mean();
    }

    /** Mean squared error. */
    public static NDArray mse(NDArray prediction, NDArray target) {
        return prediction.sub(target.reshape(prediction.getShape())).square().mean();
    }

    /** Mean absolute error. */
    public static NDArray l1(NDArray prediction, NDArray target) {
        return prediction.sub(target.reshape(prediction.getShape())).abs().mean();
    }
}
