package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fulmen.spi.CheckpointData;
import org.apiguardian.api.API;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The content of one checkpoint: a JSON manifest (epoch, global step, loop progress, callback states,
 * hyperparameters, seeds, precision and datamodule state: whatever the Trainer records) and named tensors (model
 * parameters, optimizer and scheduler state), in order.
 *
 * <p>Immutable: the manifest is copied in and out, and the tensor map cannot be changed. The arrays themselves stay
 * owned by their {@link ai.djl.ndarray.NDManager}; a checkpoint never closes them. Tensor names are arbitrary
 * strings ({@code model/01Linear_weight}, {@code optimizer/0/01Linear_weight/exp_avg}); they are never used as
 * file names.
 *
 * <p>JSON cannot hold NaN or infinities, so the manifest cannot either: store such values as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} ({@link com.google.gson.JsonElement#getAsDouble()} reads
 * them back). {@link CheckpointWriter} rejects a manifest holding one.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Checkpoint {
    private final JsonObject manifest;
    private final Map<String, NDArray> tensors;

    /**
     * A checkpoint of a manifest and tensors; both are copied, the tensors keep the map's iteration order.
     *
     * @throws NullPointerException when the manifest, a name or an array is null
     */
    public Checkpoint(JsonObject manifest, Map<String, NDArray> tensors) {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(tensors, "tensors");
        Map<String, NDArray> copy = new LinkedHashMap<>();
        tensors.forEach((name, array) -> copy.put(Objects.requireNonNull(name, "tensor name"),
                Objects.requireNonNull(array, () -> "tensor '" + name + "'")));
        this.manifest = manifest.deepCopy();
        this.tensors = Collections.unmodifiableMap(copy);
    }

    /** The checkpoint a {@link io.fulmen.spi.CheckpointIO} handed over; the manifest must be a JSON object. */
    public static Checkpoint of(CheckpointData data) {
        JsonElement manifest = JsonParser.parseString(data.manifestJson());
        if (!manifest.isJsonObject()) {
            throw new IllegalArgumentException("a checkpoint manifest must be a JSON object, got " + manifest);
        }
        return new Checkpoint(manifest.getAsJsonObject(), data.tensors());
    }

    /** This checkpoint as a {@link io.fulmen.spi.CheckpointIO} stores it. */
    public CheckpointData toData() {
        return new CheckpointData(manifest.toString(), tensors);
    }

    /** A builder, for assembling a checkpoint piece by piece. */
    public static Builder builder() {
        return new Builder();
    }

    /** A copy of the manifest; changing it changes nothing here. */
    public JsonObject manifest() {
        return manifest.deepCopy();
    }

    /** The tensors by name, in the order they were given (and are stored in the file); unmodifiable. */
    public Map<String, NDArray> tensors() {
        return tensors;
    }

    @Override
    public String toString() {
        return "Checkpoint[" + tensors.size() + " tensors, manifest keys " + manifest.keySet() + "]";
    }

    /** Assembles a {@link Checkpoint}. Not thread-safe. */
    public static final class Builder {
        private JsonObject manifest = new JsonObject();
        private final Map<String, NDArray> tensors = new LinkedHashMap<>();

        private Builder() {}

        /** Sets the manifest (copied by {@link #build()}); an empty object by default. */
        public Builder manifest(JsonObject manifest) {
            this.manifest = Objects.requireNonNull(manifest, "manifest");
            return this;
        }

        /**
         * Adds a tensor after those added before.
         *
         * @throws IllegalArgumentException when a tensor of this name was already added
         */
        public Builder tensor(String name, NDArray array) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(array, "array");
            if (tensors.putIfAbsent(name, array) != null) {
                throw new IllegalArgumentException("tensor '" + name + "' added twice");
            }
            return this;
        }

        /** The checkpoint. */
        public Checkpoint build() {
            return new Checkpoint(manifest, tensors);
        }
    }
}
