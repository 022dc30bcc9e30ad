package io.fulmen.optim;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

import java.util.List;

/**
 * An engine's kernels that update many parameters in one call, each in a single pass over its memory with its
 * gradient zeroed in the same pass, where an optimizer would otherwise call the engine once per tensor (and the
 * engine make several passes and temporaries per tensor). The Trainer hands them to every optimizer of a run
 * ({@link Optimizer#useKernels}) when its engine has them ({@code ExecutionEngine#optimizerKernels}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface OptimizerKernels {
    /**
     * One step of {@code torch.optim.Adam} (of {@code AdamW} when {@link AdamStep#decoupled}) for every weight of
     * {@code step}: each weight's gradient is read and left at zero. Returns false, having changed nothing, when any
     * tensor is not supported (data type, device, layout, no gradient yet); the optimizer then updates the tensors
     * one at a time.
     *
     * @param step the tensors and constants of the step
     * @return whether every tensor was updated
     */
    boolean adam(AdamStep step);

    /**
     * One step of {@code torch.optim.SGD} for every weight of {@code step}: each weight's gradient is read and left
     * at zero. Returns false, having changed nothing, when any tensor is not supported.
     *
     * @param step the tensors and constants of the step
     * @return whether every tensor was updated
     */
    boolean sgd(SgdStep step);

    /**
     * The tensors and constants of one fused Adam step. Lists and arrays are aligned by index: tensor {@code i} is
     * updated with {@code stepSizes[i]} ({@code lr / (1 - beta1^t)}) and {@code biasCorrection2Sqrt[i]}
     * ({@code sqrt(1 - beta2^t)}), {@code t} being its own step count.
     *
     * @param weights             the parameters, updated in place
     * @param means               their first-moment buffers, updated in place
     * @param variances           their second-moment buffers, updated in place
     * @param stepSizes           per tensor, {@code lr / (1 - beta1^t)}
     * @param biasCorrection2Sqrt per tensor, {@code sqrt(1 - beta2^t)}
     * @param beta1               first-moment decay
     * @param beta2               second-moment decay
     * @param eps                 added to the denominator
     * @param weightDecay         L2 penalty (Adam) or decoupled decay (AdamW)
     * @param lr                  the learning rate (AdamW's decay is {@code lr * weightDecay})
     * @param decoupled           AdamW's decoupled weight decay
     */
    record AdamStep(List<NDArray> weights, List<NDArray> means, List<NDArray> variances, float[] stepSizes,
                    float[] biasCorrection2Sqrt, float beta1, float beta2, float eps, float weightDecay, float lr,
                    boolean decoupled) {}

    /**
     * The tensors and constants of one fused SGD step, aligned by index.
     *
     * @param weights     the parameters, updated in place
     * @param buffers     their momentum buffers, updated in place; null when momentum is 0
     * @param firstStep   per tensor, whether its buffer starts at this step (torch sets it to the gradient then);
     *                    null when momentum is 0
     * @param lr          the learning rate
     * @param momentum    the momentum factor
     * @param dampening   the dampening of momentum
     * @param weightDecay L2 penalty
     * @param nesterov    Nesterov momentum
     */
    record SgdStep(List<NDArray> weights, List<NDArray> buffers, boolean[] firstStep, float lr, float momentum,
                   float dampening, float weightDecay, boolean nesterov) {}
}
