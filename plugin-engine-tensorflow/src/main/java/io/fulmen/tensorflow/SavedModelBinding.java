package io.fulmen.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a module binds a TensorFlow SavedModel to batches: the folder, its MetaGraph tags, the signature, which data
 * column of each batch feeds which input, and which outputs it returns. The builders of {@link SavedModelModule} and
 * {@code FineTunedSavedModel} extend it.
 *
 * @param <B> the builder's own type, returned by every setter
 */
public abstract class SavedModelBinding<B extends SavedModelBinding<B>> {
    private final Path dir;
    private List<String> tags = List.of("serve");
    private String signature = "serving_default";
    private final Map<String, Integer> inputs = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();

    protected SavedModelBinding(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /** This builder, as its own type. */
    protected abstract B self();

    /** The MetaGraph's tags ({@code "serve"} by default). */
    public B tags(String... values) {
        this.tags = List.of(values);
        return self();
    }

    /** The signature whose tensors are named ({@code "serving_default"} by default). */
    public B signature(String key) {
        this.signature = Objects.requireNonNull(key, "signature");
        return self();
    }

    /** Feeds the signature's input {@code name} from data column {@code dataColumn} of each batch. */
    public B input(String name, int dataColumn) {
        if (dataColumn < 0) {
            throw new IllegalArgumentException("dataColumn must be >= 0, got " + dataColumn);
        }
        inputs.put(Objects.requireNonNull(name, "name"), dataColumn);
        return self();
    }

    /** Returns the signature's output {@code name}, after those named before. */
    public B output(String name) {
        outputs.add(Objects.requireNonNull(name, "name"));
        return self();
    }

    /** The SavedModel's folder, checked to hold a {@code saved_model.pb}. */
    public Path savedModelDir() {
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException(dir + " holds no saved_model.pb: name a SavedModel's folder");
        }
        return dir;
    }

    /** The MetaGraph's tags. */
    public List<String> boundTags() {
        return tags;
    }

    /** The signature's key. */
    public String boundSignature() {
        return signature;
    }

    /** Input names and the data columns that feed them, in the order given. */
    public Map<String, Integer> boundInputs() {
        return Collections.unmodifiableMap(inputs);
    }

    /** Output names, in the order given. */
    public List<String> boundOutputs() {
        return Collections.unmodifiableList(outputs);
    }
}
