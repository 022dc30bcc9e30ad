package io.fulmen.optim;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of an {@link Optimizer}'s state, in a stable order (parameters and buffers as the optimizer created
 * them, so checkpoints are byte-identical across JVMs): its type, learning rate, and per parameter the step count and
 * named buffers (PyTorch's names: {@code momentum_buffer}, {@code exp_avg}, {@code exp_avg_sq}).
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public record OptimizerState(String optimizer, float learningRate, Map<String, Entry> entries) {
    public OptimizerState {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** One parameter's state. */
    public record Entry(long step, Map<String, NDArray> buffers) {
        public Entry {
            buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
        }
    }
}
