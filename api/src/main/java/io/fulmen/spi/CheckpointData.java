package io.fulmen.spi;

import ai.djl.ndarray.NDArray;
import org.apiguardian.api.API;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one checkpoint holds, as a {@link CheckpointIO} stores it: the manifest as JSON text (an object: epoch,
 * global step, loop progress, callback, precision and module state, hyperparameters) and named tensors (model
 * parameters, optimizer state) in order. The arrays stay owned by their manager; a checkpoint never closes them.
 *
 * @param manifestJson a JSON object, never {@code null}
 * @param tensors      tensors by name, in storage order; copied, unmodifiable
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public record CheckpointData(String manifestJson, Map<String, NDArray> tensors) {
    public CheckpointData {
        Objects.requireNonNull(manifestJson, "manifestJson");
        Map<String, NDArray> copy = new LinkedHashMap<>();
        Objects.requireNonNull(tensors, "tensors").forEach((name, array) -> copy.put(
                Objects.requireNonNull(name, "tensor name"), Objects.requireNonNull(array, () -> "tensor " + name)));
        tensors = Collections.unmodifiableMap(copy);
    }
}
