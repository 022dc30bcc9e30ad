package io.fulmen.tensorboard;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;
import io.fulmen.tensorboard.proto.Event;
import io.fulmen.tensorboard.proto.HistogramProto;
import io.fulmen.tensorboard.proto.Summary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistogramCallbackTest {
    @TempDir
    Path tmp;

    private NDManager manager;
    private Linear block;
    private LightningModule module;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        block = Linear.builder().setUnits(4).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 3));
        NDArray x = manager.create(new float[] {1f, -2f, 3f, 0.5f, 4f, -1f}, new Shape(2, 3));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = block.forward(new ParameterStore(manager, false), new NDList(x), true).head();
            gc.backward(out.sum());
        }
        Linear b = block;
        module = new LightningModule() {
            @Override
            public Block block() {
                return b;
            }
        };
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** A TrainerView whose loggers and global step are scripted; every other method is unsupported. */
    private static final class FakeTrainer {
        final List<ExperimentLogger> loggers;
        long step;
        int rank;

        FakeTrainer(List<ExperimentLogger> loggers) {
            this.loggers = loggers;
        }

        TrainerView view() {
            return (TrainerView) Proxy.newProxyInstance(TrainerView.class.getClassLoader(),
                    new Class<?>[] {TrainerView.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "loggers" -> loggers;
                        case "globalStep" -> step;
                        case "globalRank" -> rank;
                        case "worldSize" -> 1;
                        case "stage" -> Stage.FIT;
                        case "toString" -> "FakeTrainer";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private static Map<String, float[]> expected(Linear block, boolean gradients) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (gradients) {
                try (NDArray g = a.getGradient()) {
                    out.put("gradients/" + p.getKey(), g.toFloatArray());
                }
            } else {
                out.put("weights/" + p.getKey(), a.toFloatArray());
            }
        }
        return out;
    }

    private static List<Event> histogramEvents(TensorBoardLogger logger) throws Exception {
        TfEventsReader.Result r = TfEventsReader.read(TfEventsReader.eventFile(logger.logDir()));
        assertEquals(0, r.truncatedTailBytes());
        List<Event> out = new ArrayList<>();
        for (Event e : r.events()) {
            if (e.hasSummary() && e.getSummary().getValueCount() > 0 && e.getSummary().getValue(0).hasHisto()) {
                out.add(e);
            }
        }
        return out;
    }

    private static void assertMatches(float[] values, HistogramProto h, String tag) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertEquals(values.length, h.getNum(), tag);
        assertEquals(min, h.getMin(), tag);
        assertEquals(max, h.getMax(), tag);
        assertEquals(sum, h.getSum(), 1e-6, tag);
        assertEquals(values.length, h.getBucketList().stream().mapToDouble(Double::doubleValue).sum(), tag);
    }

    @Test
    void logsWeightsAndGradientsEveryNSteps() throws Exception {
        TensorBoardLogger logger = new TensorBoardLogger(tmp);
        FakeTrainer trainer = new FakeTrainer(List.of(logger));
        HistogramCallback cb = new HistogramCallback(2);
        cb.setup(trainer.view(), module, Stage.FIT);
        for (long step = 0; step <= 4; step++) {
            trainer.step = step;
            cb.onBeforeOptimizerStep(trainer.view(), module, null);
            cb.onBeforeOptimizerStep(trainer.view(), module, null); // a second optimizer: still once per step
        }
        logger.finish(RunStatus.SUCCESS);

        Map<String, float[]> expected = new LinkedHashMap<>(expected(block, false));
        expected.putAll(expected(block, true));
        assertEquals(Set.of("weights/weight", "weights/bias", "gradients/weight", "gradients/bias"),
                expected.keySet());
        // The gradient of sum(x W^T + b): dW[i][j] = sum_b x[b][j], db[i] = batch size.
        assertEquals(1.5f, expected.get("gradients/weight")[0], 1e-6);
        assertEquals(2f, expected.get("gradients/weight")[1], 1e-6);
        assertEquals(2f, expected.get("gradients/weight")[2], 1e-6);
        assertEquals(2f, expected.get("gradients/bias")[0], 1e-6);

        List<Event> events = histogramEvents(logger);
        assertEquals(3 * expected.size(), events.size());
        Set<Long> steps = new TreeSet<>();
        Map<Long, Set<String>> tagsByStep = new LinkedHashMap<>();
        for (Event e : events) {
            Summary.Value v = e.getSummary().getValue(0);
            steps.add(e.getStep());
            assertTrue(tagsByStep.computeIfAbsent(e.getStep(), k -> new TreeSet<>()).add(v.getTag()),
                    "duplicate " + v.getTag() + " at step " + e.getStep());
            float[] values = expected.get(v.getTag());
            assertTrue(values != null, "unexpected tag " + v.getTag());
            assertMatches(values, v.getHisto(), v.getTag() + "@" + e.getStep());
        }
        assertEquals(Set.of(0L, 2L, 4L), steps);
        for (Set<String> tags : tagsByStep.values()) {
            assertEquals(expected.keySet(), tags);
        }
    }

    @Test
    void optionsSelectWhatIsLogged() throws Exception {
        TensorBoardLogger logger = new TensorBoardLogger(tmp);
        FakeTrainer trainer = new FakeTrainer(List.of(logger));
        HistogramCallback cb = new HistogramCallback(1).weights(false);
        assertFalse(cb.logsWeights());
        assertTrue(cb.logsGradients());
        cb.setup(trainer.view(), module, Stage.FIT);
        trainer.step = 7;
        cb.onBeforeOptimizerStep(trainer.view(), module, null);
        logger.finish(RunStatus.SUCCESS);

        Set<String> tags = new TreeSet<>();
        for (Event e : histogramEvents(logger)) {
            assertEquals(7, e.getStep());
            tags.add(e.getSummary().getValue(0).getTag());
        }
        assertEquals(Set.of("gradients/bias", "gradients/weight"), tags);
    }

    @Test
    void writesToEveryTensorBoardLoggerAndSkipsOtherRanks() throws Exception {
        TensorBoardLogger a = TensorBoardLogger.builder(tmp).name("a").build();
        TensorBoardLogger b = TensorBoardLogger.builder(tmp).name("b").build();
        FakeTrainer trainer = new FakeTrainer(List.of(a, b));
        HistogramCallback cb = new HistogramCallback(3).gradients(false);
        cb.setup(trainer.view(), module, Stage.FIT);
        trainer.step = 3;
        trainer.rank = 1;
        cb.onBeforeOptimizerStep(trainer.view(), module, null);
        trainer.rank = 0;
        trainer.step = 6;
        cb.onBeforeOptimizerStep(trainer.view(), module, null);
        a.finish(RunStatus.SUCCESS);
        b.finish(RunStatus.SUCCESS);
        for (TensorBoardLogger logger : List.of(a, b)) {
            List<Event> events = histogramEvents(logger);
            assertEquals(2, events.size());
            for (Event e : events) {
                assertEquals(6, e.getStep());
                assertTrue(e.getSummary().getValue(0).getTag().startsWith("weights/"));
            }
        }
    }

    @Test
    void withoutTensorBoardLoggerDoesNothing() {
        FakeTrainer trainer = new FakeTrainer(List.of());
        HistogramCallback cb = new HistogramCallback(1);
        cb.setup(trainer.view(), module, Stage.FIT);
        trainer.step = 0;
        cb.onBeforeOptimizerStep(trainer.view(), module, null);
    }

    @Test
    void skipsUninitialisedParameters() throws Exception {
        Linear fresh = Linear.builder().setUnits(2).build();
        LightningModule m = new LightningModule() {
            @Override
            public Block block() {
                return fresh;
            }
        };
        TensorBoardLogger logger = new TensorBoardLogger(tmp);
        FakeTrainer trainer = new FakeTrainer(List.of(logger));
        HistogramCallback cb = new HistogramCallback(1);
        cb.onBeforeOptimizerStep(trainer.view(), m, null);
        logger.finish(RunStatus.SUCCESS);
        assertEquals(List.of(), histogramEvents(logger));
    }

    @Test
    void rejectsNonPositiveInterval() {
        assertThrows(IllegalArgumentException.class, () -> new HistogramCallback(0));
    }
}
