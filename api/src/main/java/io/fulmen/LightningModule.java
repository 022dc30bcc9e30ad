package io.fulmen;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import io.fulmen.callback.Callback;
import io.fulmen.data.CombinedBatch;
import io.fulmen.data.CombinedLoader;
import io.fulmen.data.DataLoader;
import io.fulmen.internal.DataLoaderLists;
import io.fulmen.internal.HookOverrides;
import io.fulmen.internal.ModuleAccess;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.spi.ModuleLoader;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model with its training, evaluation and optimizer recipe: Lightning's {@code LightningModule}.
 *
 * <p>Subclasses return their network from {@link #block()}, compute a loss in {@link #trainingStep}, log in the
 * evaluation steps and return optimizers from {@link #configureOptimizers()}. Parameters are created from the shapes
 * of the first batch, so no input shape is ever stated. Every other method is a hook with Lightning's name and
 * meaning, called in Lightning's order; the defaults do what Lightning's do.
 *
 * <p>A module owns its parameters; {@link #close()} frees their native memory.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public abstract class LightningModule implements AutoCloseable {

    private final Hyperparameters hyperparameters = new Hyperparameters();
    private final ModuleLifecycle lifecycle = new ModuleLifecycle();
    private boolean automaticOptimization = true;
    private volatile boolean training = true;

    /** The network whose parameters this module trains. Called often: return a field. */
    public abstract Block block();

    // ---------------------------------------------------------------- forward and steps

    /**
     * Runs the network; the default runs {@link #block()}. Override to compose several blocks. Outside a Trainer call
     * (after fit, or after {@link #loadFromCheckpoint}) it runs without gradients: call {@link #eval()} first for
     * inference.
     */
    public NDList forward(NDList inputs) {
        return runBlock(block(), inputs);
    }

    /**
     * Runs the network on one input and returns its one output (Lightning's {@code self(x)}); a network with
     * several outputs is called with {@link #forward(NDList)}.
     */
    public final NDArray forward(NDArray input) {
        NDList out = forward(new NDList(Objects.requireNonNull(input, "input")));
        if (out.size() != 1) {
            throw new IllegalStateException(getClass().getSimpleName() + "'s network returned " + out.size()
                    + " arrays; call forward(NDList) to get them all");
        }
        return out.head();
    }

    /** Convenience for {@link #forward(NDList)} with several inputs. */
    public final NDList forward(NDArray... inputs) {
        return forward(new NDList(inputs));
    }

    /**
     * Runs {@code block} in the current mode (training or evaluation), initialising its parameters from the input
     * shapes the first time.
     */
    protected final NDList runBlock(Block block, NDList inputs) {
        return context().runBlock(block, inputs, training);
    }

    /** {@link #runBlock(Block, NDList)} for a block of one input and one output. */
    protected final NDArray runBlock(Block block, NDArray input) {
        NDList out = runBlock(block, new NDList(Objects.requireNonNull(input, "input")));
        if (out.size() != 1) {
            throw new IllegalStateException(block.getClass().getSimpleName() + " returned " + out.size()
                    + " arrays; call runBlock(block, NDList) to get them all");
        }
        return out.head();
    }

    /** Computes the training loss of one batch. Return {@code null} to skip the batch (or in manual optimization). */
    public NDArray trainingStep(Batch batch, int batchIdx) {
        throw HookOverrides.missing(this, "trainingStep(Batch, int)", "Trainer.fit");
    }

    /** Evaluates one validation batch; log metrics with {@link #log}. Not overridden: fit skips validation. */
    public void validationStep(Batch batch, int batchIdx) {
        throw HookOverrides.missing(this, "validationStep(Batch, int)", "Trainer.validate");
    }

    /** Evaluates one test batch; log metrics with {@link #log}. */
    public void testStep(Batch batch, int batchIdx) {
        throw HookOverrides.missing(this, "testStep(Batch, int)", "Trainer.test");
    }

    /** Produces the prediction of one batch; the default returns {@code forward(batch.getData())}. */
    public Object predictStep(Batch batch, int batchIdx) {
        return forward(batch.getData());
    }

    /**
     * Evaluates one batch of validation loader {@code dataloaderIdx}. Called instead of
     * {@link #validationStep(Batch, int)} when there are several validation loaders (Lightning passes
     * {@code dataloader_idx} only then); with one loader it is called (with 0) only when the two-argument form is not
     * overridden. Log with {@link #log}: names get {@code /dataloader_idx_N} appended when there are several loaders.
     */
    public void validationStep(Batch batch, int batchIdx, int dataloaderIdx) {
        throw HookOverrides.missing(this, "validationStep(Batch, int, int dataloaderIdx) (several validation "
                + "loaders pass the loader's index)", "Trainer.validate");
    }

    /** Evaluates one batch of test loader {@code dataloaderIdx}; as {@link #validationStep(Batch, int, int)}. */
    public void testStep(Batch batch, int batchIdx, int dataloaderIdx) {
        throw HookOverrides.missing(this, "testStep(Batch, int, int dataloaderIdx) (several test loaders pass the "
                + "loader's index)", "Trainer.test");
    }

    /**
     * Produces the prediction of one batch of predict loader {@code dataloaderIdx}, called when there are several
     * predict loaders; the default calls {@link #predictStep(Batch, int)}.
     */
    public Object predictStep(Batch batch, int batchIdx, int dataloaderIdx) {
        return predictStep(batch, batchIdx);
    }

    /** The optimizers and learning-rate schedules. */
    public OptimizerConfig configureOptimizers() {
        throw HookOverrides.missing(this, "configureOptimizers() (return OptimizerConfig.of(optimizer))",
                "Trainer.fit");
    }

    // ---------------------------------------------------------------- logging and hyperparameters

    /** Logs a metric with the hook's default options (on_step in training, on_epoch in evaluation). */
    public final void log(String name, NDArray value) {
        log(name, value, LogOptions.defaults());
    }

    public final void log(String name, NDArray value, LogOptions options) {
        context().log(name, value, options);
    }

    public final void log(String name, double value) {
        log(name, value, LogOptions.defaults());
    }

    public final void log(String name, double value, LogOptions options) {
        context().log(name, value, options);
    }

    /**
     * Logs a stateful metric as Lightning does: on step its {@link Metric#batchValue()} (call the metric's
     * {@code forward} in the step), on epoch its {@link Metric#compute()} over the whole epoch, after which the
     * Trainer resets it; not a mean of batch values.
     */
    public final void log(String name, Metric metric, LogOptions options) {
        context().log(name, metric, options);
    }

    /** {@link #log(String, Metric, LogOptions)} with the hook's default options. */
    public final void log(String name, Metric metric) {
        log(name, metric, LogOptions.defaults());
    }

    /** Logs several metrics with the same options; values are {@link NDArray}s, {@link Number}s or {@link Metric}s. */
    public final void logDict(Map<String, ?> metrics, LogOptions options) {
        for (Map.Entry<String, ?> e : metrics.entrySet()) {
            Object v = e.getValue();
            if (v instanceof NDArray) {
                log(e.getKey(), (NDArray) v, options);
            } else if (v instanceof Number) {
                log(e.getKey(), ((Number) v).doubleValue(), options);
            } else if (v instanceof Metric m) {
                log(e.getKey(), m, options);
            } else {
                throw new IllegalArgumentException("logDict value of '" + e.getKey()
                        + "' must be an NDArray, a Number or a Metric, got "
                        + (v == null ? "null" : v.getClass().getName()));
            }
        }
    }

    public final void logDict(Map<String, ?> metrics) {
        logDict(metrics, LogOptions.defaults());
    }

    /**
     * Records hyperparameters as name/value pairs, e.g. {@code saveHyperparameters("hidden", 128, "lr", 1e-3)}.
     * They go to every logger and into checkpoints. Values should be strings, numbers, booleans or lists of them.
     * To rebuild the module with {@link #loadFromCheckpoint}, its constructor names the same parameters with
     * {@link HyperParameter}; declaring them once in a record ({@link #saveHyperparameters(Record)}) avoids that.
     */
    protected final void saveHyperparameters(Object... namesAndValues) {
        hyperparameters.putPairs(namesAndValues);
    }

    /** Records each entry of {@code values} as a hyperparameter. */
    protected final void saveHyperparameters(Map<String, ?> values) {
        hyperparameters.putAll(values);
    }

    /**
     * Records every component of {@code hparams} as a hyperparameter and returns it: the hyperparameters are
     * declared once, as a record the constructor takes ({@code public LitCnn(Config config)}), and
     * {@link #loadFromCheckpoint} rebuilds the record from the checkpoint to call that constructor.
     */
    protected final <R extends Record> R saveHyperparameters(R hparams) {
        hyperparameters.putRecord(hparams);
        return hparams;
    }

    /** The saved hyperparameters (Lightning's {@code hparams}). */
    public final Map<String, Object> hparams() {
        return hyperparameters.view();
    }

    // ---------------------------------------------------------------- manual optimization

    /** Lightning's {@code automatic_optimization}; true by default. */
    public final boolean isAutomaticOptimization() {
        return automaticOptimization;
    }

    /** Switches to manual optimization: {@link #trainingStep} then calls {@link #manualBackward} and steps itself. */
    protected final void setAutomaticOptimization(boolean automatic) {
        this.automaticOptimization = automatic;
    }

    /** The optimizers from {@link #configureOptimizers()}, wrapped so steps go through the Trainer. */
    public final List<LightningOptimizer> optimizers() {
        return context().optimizers();
    }

    /** Backward through precision and strategy; use in manual optimization instead of a raw backward. */
    public final void manualBackward(NDArray loss) {
        context().manualBackward(loss);
    }

    /** The Trainer this module is attached to. */
    public final TrainerView trainer() {
        return context().trainer();
    }

    /** True in training mode, false in evaluation mode (Lightning's {@code module.training}). */
    public final boolean isTraining() {
        return training;
    }

    /** Switches between training and evaluation mode ({@code train()} / {@code eval()}). */
    public final void setTraining(boolean training) {
        this.training = training;
    }

    /**
     * Evaluation mode (Lightning's {@code model.eval()}): dropout off, batch norm on its running statistics. With
     * {@link #forward} outside a Trainer this is inference: {@code try (var m = loadFromCheckpoint(...)) {
     * m.eval(); NDList out = m.forward(x); }}. Returns this module.
     */
    public final LightningModule eval() {
        setTraining(false);
        return this;
    }

    /** Training mode (Lightning's {@code model.train()}), the mode a new module starts in. Returns this module. */
    public final LightningModule train() {
        setTraining(true);
        return this;
    }

    // ---------------------------------------------------------------- data hooks (when there is no DataModule)

    public DataLoader trainDataloader() {
        return null;
    }

    public DataLoader valDataloader() {
        return null;
    }

    public DataLoader testDataloader() {
        return null;
    }

    public DataLoader predictDataloader() {
        return null;
    }

    /**
     * Several validation loaders (Lightning's {@code val_dataloader} returning a list): each runs in turn, its index
     * passed to {@link #validationStep(Batch, int, int)}. The default is {@link #valDataloader()} alone; an empty
     * list means none.
     */
    public List<DataLoader> valDataloaders() {
        return DataLoaderLists.single(valDataloader());
    }

    /** Several test loaders; as {@link #valDataloaders()}. */
    public List<DataLoader> testDataloaders() {
        return DataLoaderLists.single(testDataloader());
    }

    /** Several predict loaders; as {@link #valDataloaders()}. */
    public List<DataLoader> predictDataloaders() {
        return DataLoaderLists.single(predictDataloader());
    }

    /**
     * Training batches drawn from several loaders at once (Lightning's {@code train_dataloader} returning a dict or
     * a list, or a {@code CombinedLoader}); null (the default) trains on {@link #trainDataloader()}.
     */
    public CombinedLoader trainCombinedLoader() {
        return null;
    }

    // ---------------------------------------------------------------- lifecycle hooks

    public List<Callback> configureCallbacks() {
        return List.of();
    }

    public void prepareData() {}

    public void setup(Stage stage) {}

    /** Builds layers late (Lightning's {@code configure_model}); called before optimizers are configured. */
    public void configureModel() {}

    public void teardown(Stage stage) {}

    public void onFitStart() {}

    public void onFitEnd() {}

    public void onTrainStart() {}

    public void onTrainEnd() {}

    public void onValidationStart() {}

    public void onValidationEnd() {}

    public void onTestStart() {}

    public void onTestEnd() {}

    public void onPredictStart() {}

    public void onPredictEnd() {}

    public void onTrainEpochStart() {}

    public void onTrainEpochEnd() {}

    public void onValidationEpochStart() {}

    public void onValidationEpochEnd() {}

    public void onTestEpochStart() {}

    public void onTestEpochEnd() {}

    public void onPredictEpochStart() {}

    public void onPredictEpochEnd() {}

    /** Return -1 to skip the rest of the epoch, as in Lightning; anything else continues. */
    public int onTrainBatchStart(Batch batch, int batchIdx) {
        return 0;
    }

    public void onTrainBatchEnd(NDArray loss, Batch batch, int batchIdx) {}

    public void onValidationBatchStart(Batch batch, int batchIdx, int dataloaderIdx) {}

    public void onValidationBatchEnd(Batch batch, int batchIdx, int dataloaderIdx) {}

    public void onTestBatchStart(Batch batch, int batchIdx, int dataloaderIdx) {}

    public void onTestBatchEnd(Batch batch, int batchIdx, int dataloaderIdx) {}

    public void onPredictBatchStart(Batch batch, int batchIdx, int dataloaderIdx) {}

    public void onPredictBatchEnd(Object prediction, Batch batch, int batchIdx, int dataloaderIdx) {}

    public void onValidationModelZeroGrad() {}

    public void onValidationModelEval() {
        setTraining(false);
    }

    public void onValidationModelTrain() {
        setTraining(true);
    }

    public void onTestModelEval() {
        setTraining(false);
    }

    public void onTestModelTrain() {
        setTraining(true);
    }

    public void onPredictModelEval() {
        setTraining(false);
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * Rebuilds a module from a checkpoint (Lightning's {@code load_from_checkpoint}): the constructor whose parameters
     * are all annotated {@link HyperParameter} gets the saved hyperparameters (else a constructor taking one record
     * gets that record rebuilt from them, see {@link #saveHyperparameters(Record)}), and the parameters take the
     * saved weights when they are created.
     */
    public static <T extends LightningModule> T loadFromCheckpoint(Class<T> type, Path checkpoint) {
        return loadFromCheckpoint(type, checkpoint, Map.of());
    }

    /** As {@link #loadFromCheckpoint(Class, Path)}, with hyperparameters in {@code overrides} replacing saved ones. */
    public static <T extends LightningModule> T loadFromCheckpoint(Class<T> type, Path checkpoint,
                                                                   Map<String, ?> overrides) {
        return RuntimeServices.find(ModuleLoader.class, type, "no checkpoint reader found: add fulmen-runtime to "
                + "the classpath").load(type, checkpoint, overrides);
    }

    // ---------------------------------------------------------------- checkpoint hooks

    /**
     * Adds module state of your own to a checkpoint being written (Lightning's {@code on_save_checkpoint}): put
     * plain JSON values into {@code extra}; they come back in {@link #onLoadCheckpoint}.
     */
    public void onSaveCheckpoint(Map<String, Object> extra) {}

    /** Receives what {@link #onSaveCheckpoint} stored, when a fit resumes (Lightning's {@code on_load_checkpoint}). */
    public void onLoadCheckpoint(Map<String, Object> extra) {}

    // ---------------------------------------------------------------- batch transfer hooks

    public Batch onBeforeBatchTransfer(Batch batch, int dataloaderIdx) {
        return batch;
    }

    /** Moves the batch to {@code device}; the default moves data and labels. */
    public Batch transferBatchToDevice(Batch batch, Device device, int dataloaderIdx) {
        if (batch instanceof CombinedBatch combined) {
            List<Batch> moved = new ArrayList<>(combined.numLoaders());
            for (Batch part : combined.parts()) {
                moved.add(part == null ? null : transferBatchToDevice(part, device, dataloaderIdx));
            }
            return moved.equals(combined.parts()) ? combined : combined.withParts(moved);
        }
        // The batch's manager sits on the device its arrays were created on: no native call per batch.
        if (batch.getData().isEmpty() || batch.getManager().getDevice().equals(device)) {
            return batch;
        }
        return new Batch(batch.getManager(), batch.getData().toDevice(device, false),
                batch.getLabels().toDevice(device, false), batch.getSize(), Batchifier.STACK, Batchifier.STACK,
                batch.getProgress(), batch.getProgressTotal(), batch.getIndices());
    }

    public Batch onAfterBatchTransfer(Batch batch, int dataloaderIdx) {
        return batch;
    }

    // ---------------------------------------------------------------- optimization hooks

    /**
     * Runs the optimizer step; the default calls {@code optimizer.step(closure)}, where the closure runs the
     * training step, zero_grad and backward. Override to change when steps happen (Lightning's
     * {@code optimizer_step}).
     */
    public void optimizerStep(int epoch, int batchIdx, LightningOptimizer optimizer, Runnable closure) {
        optimizer.step(closure);
    }

    public void onBeforeZeroGrad(LightningOptimizer optimizer) {}

    public void optimizerZeroGrad(int epoch, int batchIdx, LightningOptimizer optimizer) {
        optimizer.zeroGrad();
    }

    public void onBeforeBackward(NDArray loss) {}

    public void onAfterBackward() {}

    public void onBeforeOptimizerStep(LightningOptimizer optimizer) {}

    /**
     * Clips gradients before a step; the default applies the Trainer's {@code gradient_clip_val} and algorithm
     * through {@code clipper}.
     */
    public void configureGradientClipping(LightningOptimizer optimizer, GradientClipper clipper) {
        clipper.clipGradients(optimizer, clipper.clipValue(), clipper.algorithm());
    }

    // ---------------------------------------------------------------- runtime plumbing

    static {
        ModuleAccess.install(new ModuleAccess.Accessor() {
            @Override
            public void attach(LightningModule module, ModuleContext context) {
                module.lifecycle.attach(module, context);
            }

            @Override
            public void detach(LightningModule module, ModuleContext context) {
                module.lifecycle.detach(context);
            }

            @Override
            public ParameterOwner parameterOwner(LightningModule module) {
                return module.lifecycle.parameterOwner();
            }

            @Override
            public void parameterOwner(LightningModule module, ParameterOwner owner) {
                module.lifecycle.parameterOwner(owner);
            }

            @Override
            public void hyperparameter(Object owner, String name, Object value) {
                if (owner instanceof LightningModule m) {
                    m.hyperparameters.putPairs(name, value);
                } else if (owner instanceof LightningDataModule d) {
                    d.hyperparameters().putPairs(name, value);
                } else {
                    throw new IllegalArgumentException("hyperparameters belong to a LightningModule or a "
                            + "LightningDataModule, not to " + owner);
                }
            }
        });
    }

    /** The running Trainer call's context, else the one for inference outside a Trainer. */
    private ModuleContext context() {
        return lifecycle.context(this);
    }

    /**
     * Frees the parameters' native memory. Called from another thread while a Trainer call uses this module, it
     * first cancels that call and waits until it has ended, so no running step reads freed memory; from inside the
     * call itself it is refused. A closed module refuses further use, saying when it was closed.
     */
    @Override
    public void close() {
        lifecycle.close();
    }
}
