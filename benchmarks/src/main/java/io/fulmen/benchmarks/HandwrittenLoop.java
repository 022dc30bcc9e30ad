package io.fulmen.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.fulmen.data.BatchStream;
import io.fulmen.data.DataLoader;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The baseline: a network for Fashion-MNIST (a block from the factory {@link CoreBenchmark} also gives the fit
 * side's module) trained by a plain DJL loop, written the way DJL's own {@code EasyTrain} and
 * {@code Trainer} do it, minus their metrics and listeners. Per step: forward and loss inside a fresh
 * {@link GradientCollector}, {@code backward}, then {@code optimizer.update(parameterId, weight, grad)} for every
 * parameter (what {@code ParameterStore.updateAllParameters()} does through {@code LocalParameterServer}; the
 * single-device case needs no gradient copy, so none is made). DJL's fused PyTorch Adam kernel zeroes each gradient
 * after it updates the weight, so no separate zero_grad is needed. Every array a step creates lives on the batch's
 * manager, closed when the step ends.
 */
final class HandwrittenLoop implements AutoCloseable {
    private final Engine engine;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;
    private final Optimizer optimizer;
    private final List<Pair<String, NDArray>> parameters = new ArrayList<>();

    /**
     * A new block from {@code network}, initialised for (batch, 28, 28) inputs with the engine's generator seeded
     * with {@code seed}, trained with Adam at {@code lr}.
     */
    HandwrittenLoop(Supplier<Block> network, float lr, int batchSize, int seed) {
        this.engine = Engine.getEngine("PyTorch");
        this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        this.block = network.get();
        engine.setRandomSeed(seed);
        block.initialize(manager, DataType.FLOAT32, new Shape(batchSize, 28, 28));
        this.store = new ParameterStore(manager, false);
        this.optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).build();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                parameters.add(new Pair<>(p.getValue().getId(), p.getValue().getArray()));
            }
        }
    }

    /** What one epoch took, step by step, its mean training loss and the loss of its first step. */
    record Epoch(StepTimes times, double meanLoss, long firstBatch, float firstLoss) {}

    /**
     * Trains over at most {@code limit} batches (-1 for all) of one epoch of {@code loader}, in the order given by
     * {@code shuffleSeed}; the first step is timed from before the batch stream opens, as {@link StepClock} does.
     */
    Epoch trainEpoch(DataLoader loader, long shuffleSeed, long limit) {
        StepTimes times = new StepTimes();
        times.start();
        double lossSum = 0;
        long firstBatch = 0;
        float firstLoss = Float.NaN;
        try (BatchStream stream = loader.open(manager, shuffleSeed, 0, limit)) {
            while (stream.hasNext()) {
                try (Batch batch = stream.next()) {
                    if (times.steps() == 0) {
                        firstBatch = fingerprint(batch);
                    }
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray logits = block.forward(store, batch.getData(), true).head();
                        NDArray loss = crossEntropy(logits, batch.getLabels().head());
                        // LitClassifier logs the loss every step, which reads it back: the baseline does the same.
                        float value = loss.getFloat();
                        lossSum += value;
                        if (times.steps() == 0) {
                            firstLoss = value;
                        }
                        collector.backward(loss);
                    }
                    for (Pair<String, NDArray> p : parameters) {
                        NDArray weight = p.getValue();
                        try (NDArray grad = weight.getGradient()) {
                            optimizer.update(p.getKey(), weight, grad);
                        }
                    }
                }
                times.lap();
            }
        }
        times.finish();
        return new Epoch(times, lossSum / Math.max(1, times.steps()), firstBatch, firstLoss);
    }

    /** A hash of a batch's labels, to check that fit and this loop train on the same batches. */
    static long fingerprint(Batch batch) {
        return java.util.Arrays.hashCode(batch.getLabels().head().toLongArray());
    }

    /** The same math as {@code io.fulmen.nn.Losses.crossEntropy}: log-softmax, pick the label, negate, mean. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        int classAxis = logits.getShape().dimension() - 1;
        NDArray logProbabilities = logits.logSoftmax(classAxis);
        return logProbabilities.get(new NDIndex().addAllDim(classAxis).addPickDim(labels)).neg().mean();
    }

    /** Fraction of {@code loader}'s samples whose arg-max logit is the label (evaluation mode, no training). */
    double accuracy(DataLoader loader) {
        long correct = 0;
        long seen = 0;
        try (BatchStream stream = loader.open(manager, 0, 0, -1)) {
            while (stream.hasNext()) {
                try (Batch batch = stream.next()) {
                    NDList out = block.forward(store, batch.getData(), false);
                    NDArray predicted = out.head().argMax(1);
                    NDArray labels = batch.getLabels().head();
                    correct += predicted.eq(labels.toType(predicted.getDataType(), false)).countNonzero().getLong();
                    seen += batch.getSize();
                }
            }
        }
        return (double) correct / seen;
    }

    @Override
    public void close() {
        manager.close();
    }
}
