package io.fulmen.tensorboard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.spi.ExperimentLogger;

import java.util.ArrayList;
import java.util.List;

/**
 * Logs a histogram of every parameter's weights and gradients to the run's TensorBoard loggers every
 * {@code everyNSteps} optimizer steps (opt-in; add it to the Trainer's callbacks).
 *
 * <p>Tags are {@code weights/<parameter path>} and {@code gradients/<parameter path>}, where the path is the name in
 * {@code module.block().getParameters()}; the step is {@link TrainerView#globalStep()}. Histograms are taken in
 * {@link #onBeforeOptimizerStep}: after backward and before the optimizer updates the weights and clears the
 * gradients, when {@code globalStep() % everyNSteps == 0} (the step about to be taken), at most once per global step
 * however many optimizers step. Uninitialised parameters are skipped, as are gradients of parameters that do not
 * require one. Every logger among {@link TrainerView#loggers()} whose {@code experiment()} is a
 * {@link TensorBoardWriter} receives them; with none the callback does nothing (one warning at setup). Only the
 * process of global rank 0 logs.
 */
public final class HistogramCallback implements Callback {
    private static final System.Logger LOG = System.getLogger(HistogramCallback.class.getName());

    private final int everyNSteps;
    private boolean weights = true;
    private boolean gradients = true;
    private long lastLoggedStep = Long.MIN_VALUE;

    /** Logs every {@code everyNSteps} optimizer steps; at least 1. */
    public HistogramCallback(int everyNSteps) {
        if (everyNSteps < 1) {
            throw new IllegalArgumentException("everyNSteps must be >= 1, got " + everyNSteps);
        }
        this.everyNSteps = everyNSteps;
    }

    /** Whether to log the parameters' values as {@code weights/<path>}; default true. */
    public HistogramCallback weights(boolean enabled) {
        this.weights = enabled;
        return this;
    }

    /** Whether to log the parameters' gradients as {@code gradients/<path>}; default true. */
    public HistogramCallback gradients(boolean enabled) {
        this.gradients = enabled;
        return this;
    }

    public int everyNSteps() {
        return everyNSteps;
    }

    public boolean logsWeights() {
        return weights;
    }

    public boolean logsGradients() {
        return gradients;
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        lastLoggedStep = Long.MIN_VALUE;
        if (stage == Stage.FIT && trainer.globalRank() == 0 && writers(trainer).isEmpty()) {
            LOG.log(System.Logger.Level.WARNING,
                    "HistogramCallback: the Trainer has no TensorBoard logger; no histograms will be logged");
        }
    }

    @Override
    public void onBeforeOptimizerStep(TrainerView trainer, LightningModule module, LightningOptimizer optimizer) {
        if (!weights && !gradients) {
            return;
        }
        long step = trainer.globalStep();
        if (step % everyNSteps != 0 || step == lastLoggedStep || trainer.globalRank() != 0) {
            return;
        }
        List<TensorBoardWriter> writers = writers(trainer);
        if (writers.isEmpty()) {
            return;
        }
        Block block = module.block();
        if (block == null) {
            return;
        }
        lastLoggedStep = step;
        double now = TensorBoardWriter.now();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (param == null || !param.isInitialized()) {
                continue;
            }
            NDArray array = param.getArray();
            if (!array.getDataType().isFloating()) {
                continue;
            }
            String path = p.getKey();
            if (weights) {
                log(writers, "weights/" + path, toFloats(array), step, now);
            }
            if (gradients && param.requiresGradient() && array.hasGradient()) {
                float[] g;
                try (NDArray grad = array.getGradient()) {
                    g = toFloats(grad);
                }
                log(writers, "gradients/" + path, g, step, now);
            }
        }
    }

    private static void log(List<TensorBoardWriter> writers, String tag, float[] values, long step, double now) {
        var histogram = Histograms.of(values);
        for (TensorBoardWriter w : writers) {
            w.addHistogram(tag, histogram, step, now);
        }
    }

    private static float[] toFloats(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray f = array.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    private static List<TensorBoardWriter> writers(TrainerView trainer) {
        List<ExperimentLogger> loggers = trainer.loggers();
        List<TensorBoardWriter> out = new ArrayList<>();
        if (loggers == null) {
            return out;
        }
        for (ExperimentLogger logger : loggers) {
            if (logger.experiment() instanceof TensorBoardWriter w && !w.isClosed()) {
                out.add(w);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "HistogramCallback[everyNSteps=" + everyNSteps + ", weights=" + weights + ", gradients=" + gradients
                + "]";
    }
}
