package io.fulmen.tensorflow.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.tensorflow.SavedModelBinding;
import io.fulmen.tensorflow.TensorFlowEngineProvider;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.exceptions.TensorFlowException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Fine-tunes the float32 variables of a TensorFlow SavedModel under Fulmen's {@code Trainer.fit}, on the Trainer's
 * default (PyTorch) engine: TensorFlow runs the graph and computes the gradients ({@code Graph.addGradients}), the
 * Trainer does everything else as for any module (its optimizer and schedules, gradient clipping and accumulation,
 * callbacks, loggers, the progress bar, checkpoints of the variables and of the optimizer state, resume).
 *
 * <p>The variables are the module's parameters (named as in the graph, {@code /} written {@code .}); they start at
 * the SavedModel's values, or at a checkpoint's on resume. Each step copies them into the graph's session and the
 * gradients out of it, so a step costs a copy of the variables each way beside TensorFlow's own work.
 *
 * <pre>{@code
 * try (var model = FineTunedSavedModel.builder(Path.of("export/1")).input("features", 0)
 *         .loss(GraphLoss.MEAN_SQUARED_ERROR, "prediction").optimizer(() -> OptimizerConfig.of(
 *                 Adam.builder().lr(1e-2f).build())).build()) {
 *     Trainer.builder().maxEpochs(5).build().fit(model, train, val);
 * }
 * }</pre>
 *
 * <p>Steps log {@code train_loss}, {@code val_loss} and {@code test_loss}; predictions are the named outputs.
 * Supported graphs: TF1-style {@code VariableV2} variables read directly by the signature's graph (what TensorFlow
 * Java's {@code tf.variable} builds); resource variables ({@code VarHandleOp}, Keras/TF2 exports) are refused with
 * that reason.
 */
public class FineTunedSavedModel extends LightningModule implements AutoCloseable {
    private final SavedModelGraphBlock block;
    private final FineTuneSettings settings;
    private final Supplier<OptimizerConfig> optimizers;

    protected FineTunedSavedModel(Builder b) {
        if (b.boundInputs().isEmpty()) {
            throw new IllegalArgumentException("name at least one input of signature '" + b.boundSignature()
                    + "' with input(name, dataColumn)");
        }
        if (b.lossOutput == null) {
            throw new IllegalArgumentException("say what to minimise: loss(GraphLoss, outputName) on an output of "
                    + "signature '" + b.boundSignature() + "', or lossOutput(outputName, labelInputName) for a loss the "
                    + "graph computes");
        }
        Path dir = b.savedModelDir();
        this.settings = new FineTuneSettings(List.copyOf(b.boundTags()), b.boundSignature(),
                Collections.unmodifiableMap(new LinkedHashMap<>(b.boundInputs())),
                List.copyOf(b.boundOutputs()), b.lossKind, b.lossOutput, b.labelInput, b.labelColumn, List.copyOf(b.trainable));
        this.optimizers = b.optimizers;
        TensorFlowEngineProvider.load();
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.load(dir.toString(), b.boundTags().toArray(new String[0]));
        } catch (TensorFlowException e) {
            throw new IllegalArgumentException("cannot load the SavedModel in " + dir + " with tags " + b.boundTags()
                    + ": " + e.getMessage(), e);
        }
        try {
            this.block = new SavedModelGraphBlock(bundle, GraphSpec.resolve(bundle, "the SavedModel in " + dir,
                    settings), settings.tags());
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /** A builder for the SavedModel in {@code dir} (the folder holding {@code saved_model.pb}). */
    public static Builder builder(Path dir) {
        return new Builder(Objects.requireNonNull(dir, "dir"));
    }

    /** The graph as a block whose parameters are the fine-tuned variables. */
    @Override
    public Block block() {
        return block;
    }

    /** The SavedModel's variables this module fine-tunes, in parameter order. */
    public List<String> variableNames() {
        return block.variableNames();
    }

    /**
     * Exports the SavedModel with the fine-tuned values to {@code dir} (a new folder): the same signatures and
     * tags, the variables holding the tuned values. The loss and gradient ops fine-tuning
     * added ride along, unused by the signatures.
     */
    public void exportSavedModel(Path dir) {
        Objects.requireNonNull(dir, "dir");
        try {
            block.export(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the fine-tuned SavedModel to " + dir, e);
        }
    }

    @Override
    public NDArray trainingStep(Batch batch, int batchIdx) {
        NDArray loss = forward(feed(batch, true)).head();
        log("train_loss", loss, LogOptions.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        log("val_loss", forward(feed(batch, true)).head(), LogOptions.progBar());
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        log("test_loss", forward(feed(batch, true)).head());
    }

    /** The named outputs of the signature, in the order the builder named them. */
    @Override
    public Object predictStep(Batch batch, int batchIdx) {
        if (settings.outputs().isEmpty()) {
            throw new IllegalStateException("name what to predict: builder.output(name) for each output of "
                    + "signature '" + settings.signature() + "' to return");
        }
        return forward(feed(batch, false));
    }

    @Override
    public OptimizerConfig configureOptimizers() {
        return optimizers.get();
    }

    /** The signature's inputs from the batch's data columns (in the builder's order), then the labels. */
    private NDList feed(Batch batch, boolean withLabels) {
        NDList data = batch.getData();
        NDList feed = new NDList();
        settings.inputs().forEach((name, column) -> {
            if (column >= data.size()) {
                throw new IllegalArgumentException("input '" + name + "' reads data column " + column
                        + ", the batch has " + data.size());
            }
        });
        settings.inputs().values().forEach(column -> feed.add(data.get(column)));
        if (withLabels) {
            NDList labels = batch.getLabels();
            if (labels == null || settings.labelColumn() >= labels.size()) {
                throw new IllegalArgumentException("the loss reads label column " + settings.labelColumn()
                        + ", the batch has " + (labels == null ? 0 : labels.size()) + " label column(s)");
            }
            feed.add(labels.get(settings.labelColumn()));
        }
        return feed;
    }

    /** Frees the TensorFlow session and graph. */
    @Override
    public void close() {
        block.close();
    }

    /** Which signature, which of its tensors the batch feeds, what to minimise and with which optimizer. */
    public static final class Builder extends SavedModelBinding<Builder> {
        private GraphLoss lossKind;
        private String lossOutput;
        private String labelInput;
        private int labelColumn;
        private List<String> trainable = List.of();
        private Supplier<OptimizerConfig> optimizers = () -> OptimizerConfig.of(Adam.builder().build());

        private Builder(Path dir) {
            super(dir);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Minimises {@code kind} of the signature's output {@code outputName} against the batch's labels. */
        public Builder loss(GraphLoss kind, String outputName) {
            this.lossKind = Objects.requireNonNull(kind, "kind");
            this.lossOutput = Objects.requireNonNull(outputName, "outputName");
            this.labelInput = null;
            return this;
        }

        /**
         * Minimises the graph's own scalar loss, the signature's output {@code lossOutputName}, whose labels the
         * signature takes as input {@code labelInputName}.
         */
        public Builder lossOutput(String lossOutputName, String labelInputName) {
            this.lossKind = null;
            this.lossOutput = Objects.requireNonNull(lossOutputName, "lossOutputName");
            this.labelInput = Objects.requireNonNull(labelInputName, "labelInputName");
            return this;
        }

        /** Which of the batch's label columns the loss reads (0 by default). */
        public Builder labelColumn(int column) {
            if (column < 0) {
                throw new IllegalArgumentException("labelColumn must be >= 0, got " + column);
            }
            this.labelColumn = column;
            return this;
        }

        /** Fine-tunes only the variables named (the ops' names); every float32 variable by default. */
        public Builder trainable(String... variableNames) {
            this.trainable = List.of(variableNames);
            return this;
        }

        /** The Trainer's optimizers over the variables (Adam at lr 1e-3 by default). */
        public Builder optimizer(Supplier<OptimizerConfig> config) {
            this.optimizers = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Loads the SavedModel and adds the loss and its gradients to its graph. */
        public FineTunedSavedModel build() {
            return new FineTunedSavedModel(this);
        }
    }
}
