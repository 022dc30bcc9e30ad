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
import java.nio.file.Path;
import java.util.ArrayList;
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
        if (b.boundInputs().isEmpty() || b.boundOutputs().isEmpty()) {
            throw new IllegalArgumentException("name at least one input (input(name, dataColumn)) and one output "
                    + "(output(name)) of signature '" + b.boundSignature() + "'");
        }
        Path dir = b.savedModelDir();
        TensorFlowEngineProvider.load();
        this.inputs = new TreeMap<>(b.boundInputs()); // DJL feeds a signature's inputs in the order of their names
        this.outputs = List.copyOf(b.boundOutputs());
        this.logits = b.logits;
        this.model = Model.newInstance(dir.getFileName().toString(), Device.cpu(), TensorFlowEngineProvider.NAME);
        try {
            model.load(dir, null, Map.of("Tags", String.join(",", b.boundTags()), "SignatureDefKey", b.boundSignature()));
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read the SavedModel in " + dir, e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("cannot load the SavedModel in " + dir + " (tags " + b.boundTags()
                    + ", signature '" + b.boundSignature() + "'): " + e.getMessage(), e);
        }
        this.block = model.getBlock();
        List<String> declared = new ArrayList<>(block.describeInput().keys());
        if (!declared.equals(new ArrayList<>(inputs.keySet()))) {
            close();
            throw new IllegalArgumentException("signature '" + b.boundSignature() + "' takes inputs " + declared
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
    public static final class Builder extends SavedModelBinding<Builder> {
        private String logits;

        private Builder(Path dir) {
            super(dir);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Test/validation steps log cross entropy and accuracy of output {@code name} (class scores). */
        public Builder classifier(String name) {
            this.logits = Objects.requireNonNull(name, "name");
            return boundOutputs().contains(name) ? this : output(name);
        }

        /** Loads the SavedModel. */
        public SavedModelModule build() {
            return new SavedModelModule(this);
        }
    }
}
