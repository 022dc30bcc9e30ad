package io.fulmen.optim;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * A snapshot of an {@link Optimizer}'s state: its type, learning rate, and per parameter the step count and
 * named buffers (PyTorch's names: {@code momentum_buffer}, {@code exp_avg}, {@code exp_avg_sq}).
 */
public record OptimizerState(String optimizer, float learningRate, Map<String, Entry> entries) {
    public OptimizerState {
        entries = Map.copyOf(entries);
    }

    /** One parameter's state. */
    public record Entry(long step, Map<String, NDArray> buffers) {
        public Entry {
            buffers = Map.copyOf(buffers);
        }
    }
}
