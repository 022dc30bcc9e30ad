package io.fulmen.tensorflow;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A TensorFlow SavedModel as a {@link LightningModule}, for {@code Trainer.test}, {@code validate} and
 * {@code predict} with {@code engine("TensorFlow")}: one signature of the model, its inputs fed from columns of the
 * batch's data, its outputs returned in the order declared. With {@link Builder#classifier(String)} the
 * test/validation steps log {@code <stage>_loss} (cross entropy) and {@code <stage>_acc} of that output against the
 * batch's labels; subclasses may log anything else from {@link #run(Batch)}.
 *
 * <pre>{@code
 * try (var model = SavedModelModule.builder(Path.of("export/1")).signature("serving_default")
 *         .input("features", 0).output("logits").classifier("logits").build()) {
 *     Trainer.builder().engine("TensorFlow").build().test(model, testLoader);
 * }
 * }</pre>
 */
public class SavedModelModule extends LightningModule implements AutoCloseable {
    private final Model model;
    private final Block block;
    private final Map<String, Integer> inputs;
    private final List<String> outputs;
    private final String logits;

    /** Loads the model (and DJL's TensorFlow engine, extracting its natives on first use). */
    protected SavedModelModule(Builder b) {
        if (b.inputs.isEmpty() || b.outputs.isEmpty()) {
            throw new IllegalArgumentException("name at least one input (input(name, dataColumn)) and one output "
                    + "(output(name)) of signature '" + b.signature + "'");
        }
        if (!Files.isRegularFile(b.dir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException(b.dir + " holds no saved_model.pb: name a SavedModel's folder");
        }
        TensorFlowEngineProvider.load();
        this.inputs = new TreeMap<>(b.inputs); // DJL feeds a signature's inputs in the order of their names
        this.outputs = List.copyOf(b.outputs);
        this.logits = b.logits;
        this.model = Model.newInstance(b.dir.getFileName().toString(), Device.cpu(), TensorFlowEngineProvider.NAME);
        try {
            model.load(b.dir, null, Map.of("Tags", String.join(",", b.tags), "SignatureDefKey", b.signature));
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read the SavedModel in " + b.dir, e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("cannot load the SavedModel in " + b.dir + " (tags " + b.tags
                    + ", signature '" + b.signature + "'): " + e.getMessage(), e);
        }
        this.block = model.getBlock();
        List<String> declared = new ArrayList<>(block.describeInput().keys());
        if (!declared.equals(new ArrayList<>(inputs.keySet()))) {
            close();
            throw new IllegalArgumentException("signature '" + b.signature + "' takes inputs " + declared
                    + ", the builder named " + inputs.keySet() + ": map each with input(name, dataColumn)");
        }
    }

    /** A builder for the SavedModel in {@code dir} (the folder holding {@code saved_model.pb}). */
    public static Builder builder(Path dir) {
        return new Builder(Objects.requireNonNull(dir, "dir"));
    }

    /** The SavedModel's graph; it has no parameters Fulmen manages. */
    @Override
    public Block block() {
        return block;
    }

    /** Runs the signature on the batch's data columns; the outputs in the order the builder named them. */
    public NDList run(Batch batch) {
        NDList data = batch.getData();
        NDList feed = new NDList(inputs.size());
        inputs.forEach((name, column) -> {
            if (column >= data.size()) {
                throw new IllegalArgumentException("input '" + name + "' reads data column " + column
                        + ", the batch has " + data.size());
            }
            NDArray array = data.get(column);
            String engine = array.getManager().getEngine().getEngineName();
            if (!TensorFlowEngineProvider.NAME.equals(engine)) {
                throw new IllegalStateException("a SavedModel runs on TensorFlow, the batch is on " + engine
                        + ": build the Trainer with engine(\"TensorFlow\")");
            }
            array.setName(name);
            feed.add(array);
        });
        NDList all = block.forward(new ParameterStore(feed.head().getManager(), false), feed, false);
        NDList picked = new NDList(outputs.size());
        for (String name : outputs) {
            picked.add(all.stream().filter(a -> name.equals(a.getName())).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("the signature has no output '" + name + "'; it has "
                            + all.stream().map(NDArray::getName).toList())));
        }
        return picked;
    }

    @Override
    public Object predictStep(Batch batch, int batchIdx) {
        return run(batch);
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        evaluate(batch, "val");
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        evaluate(batch, "test");
    }

    private void evaluate(Batch batch, String stage) {
        if (logits == null) {
            throw new IllegalStateException("say what to measure: builder.classifier(outputName), or override "
                    + stage + "Step and log from run(batch)");
        }
        NDArray out = run(batch).get(outputs.indexOf(logits));
        NDArray labels = batch.getLabels().head();
        log(stage + "_loss", Losses.crossEntropy(out, labels));
        log(stage + "_acc", Metrics.accuracy(out, labels));
    }

    /** Frees the TensorFlow session. */
    @Override
    public void close() {
        model.close();
    }

    /** Which signature, and how batch columns map to its inputs and outputs. */
    public static final class Builder {
        private final Path dir;
        private List<String> tags = List.of("serve");
        private String signature = "serving_default";
        private final Map<String, Integer> inputs = new LinkedHashMap<>();
        private final List<String> outputs = new ArrayList<>();
        private String logits;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** The MetaGraph's tags ({@code "serve"} by default). */
        public Builder tags(String... values) {
            this.tags = List.of(values);
            return this;
        }

        /** The signature to run ({@code "serving_default"} by default). */
        public Builder signature(String key) {
            this.signature = Objects.requireNonNull(key, "signature");
            return this;
        }

        /** Feeds the signature's input {@code name} from data column {@code dataColumn} of each batch. */
        public Builder input(String name, int dataColumn) {
            if (dataColumn < 0) {
                throw new IllegalArgumentException("dataColumn must be >= 0, got " + dataColumn);
            }
            inputs.put(Objects.requireNonNull(name, "name"), dataColumn);
            return this;
        }

        /** Returns the signature's output {@code name}, after those named before. */
        public Builder output(String name) {
            outputs.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /** Test/validation steps log cross entropy and accuracy of output {@code name} (class scores). */
        public Builder classifier(String name) {
            this.logits = Objects.requireNonNull(name, "name");
            if (!outputs.contains(name)) {
                outputs.add(name);
            }
            return this;
        }

        /** Loads the SavedModel. */
        public SavedModelModule build() {
            return new SavedModelModule(this);
        }
    }
}
