package io.fulmen.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Value;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;
import io.fulmen.tensorboard.proto.DataClass;
import io.fulmen.tensorboard.proto.DataType;
import io.fulmen.tensorboard.proto.Event;
import io.fulmen.tensorboard.proto.HParamsPluginData;
import io.fulmen.tensorboard.proto.HistogramProto;
import io.fulmen.tensorboard.proto.SessionStartInfo;
import io.fulmen.tensorboard.proto.Summary;
import io.fulmen.tensorboard.proto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

class TensorBoardLoggerTest {
    @TempDir
    Path tmp;

    static List<Event> events(Path versionDir) throws Exception {
        TfEventsReader.Result r = TfEventsReader.read(TfEventsReader.eventFile(versionDir));
        assertEquals(0, r.truncatedTailBytes());
        assertEquals("brain.Event:2", r.events().get(0).getFileVersion());
        return r.events();
    }

    @Test
    void scalarsStepsAndWallTimesRoundTrip() throws Exception {
        TensorBoardLogger logger = new TensorBoardLogger(tmp);
        double before = System.currentTimeMillis() / 1000.0;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", 0.25);
        m.put("epoch", 0.0);
        m.put("skipped", null);
        logger.logMetrics(m, 5);
        logger.logMetrics(Map.of("loss", 0.125), 10);
        logger.experiment().addScalar("lr", 1e-3, 7, 1700000001.25);
        logger.finish(RunStatus.SUCCESS);
        double after = System.currentTimeMillis() / 1000.0;

        assertEquals(tmp.resolve("fulmen_logs").resolve("version_0"), logger.logDir());
        assertEquals("version_0", logger.version());
        List<Event> ev = events(logger.logDir());
        assertEquals(5, ev.size());
        assertScalar(ev.get(1), "loss", 0.25f, 5);
        assertScalar(ev.get(2), "epoch", 0f, 5);
        assertScalar(ev.get(3), "loss", 0.125f, 10);
        assertScalar(ev.get(4), "lr", 1e-3f, 7);
        assertEquals(1700000001.25, ev.get(4).getWallTime());
        for (int i = 0; i < 4; i++) {
            double t = ev.get(i).getWallTime();
            assertTrue(t >= before - 1 && t <= after + 1, "wall time in seconds: " + t);
        }
    }

    private static void assertScalar(Event e, String tag, float value, long step) {
        assertEquals(step, e.getStep());
        assertEquals(1, e.getSummary().getValueCount());
        Summary.Value v = e.getSummary().getValue(0);
        assertEquals(tag, v.getTag());
        assertEquals(Summary.Value.ValueCase.SIMPLE_VALUE, v.getValueCase());
        assertEquals(value, v.getSimpleValue());
    }

    @Test
    void hyperparametersDecodeAndGoToHparamsYaml() throws Exception {
        TensorBoardLogger logger = new TensorBoardLogger(tmp);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 0.01);
        params.put("batch_size", 32);
        params.put("optimizer", "adam");
        params.put("model", Map.of("dropout", true, "layers", List.of(64, 32)));
        logger.logHyperparams(params);
        logger.finish(RunStatus.SUCCESS);

        List<Event> ev = events(logger.logDir());
        assertEquals(2, ev.size());
        Summary.Value v = ev.get(1).getSummary().getValue(0);
        assertEquals("_hparams_/session_start_info", v.getTag());
        TensorProto t = v.getTensor();
        assertEquals(DataType.DT_FLOAT, t.getDtype());
        assertEquals(1, t.getTensorShape().getDimCount());
        assertEquals(0, t.getTensorShape().getDim(0).getSize());
        assertEquals(0, t.getFloatValCount());
        assertEquals("hparams", v.getMetadata().getPluginData().getPluginName());
        HParamsPluginData data = HParamsPluginData.parseFrom(v.getMetadata().getPluginData().getContent());
        assertEquals(0, data.getVersion());
        assertEquals(HParamsPluginData.DataCase.SESSION_START_INFO, data.getDataCase());
        SessionStartInfo info = data.getSessionStartInfo();
        assertEquals(Map.of(
                "lr", Value.newBuilder().setNumberValue(0.01).build(),
                "batch_size", Value.newBuilder().setNumberValue(32).build(),
                "optimizer", Value.newBuilder().setStringValue("adam").build(),
                "model/dropout", Value.newBuilder().setBoolValue(true).build(),
                "model/layers", Value.newBuilder().setStringValue("[64, 32]").build()), info.getHparamsMap());
        assertEquals(ev.get(1).getWallTime(), info.getStartTimeSecs());

        String yaml = Files.readString(logger.logDir().resolve("hparams.yaml"), StandardCharsets.UTF_8);
        assertEquals("""
                batch_size: 32
                lr: 0.01
                model:
                  dropout: true
                  layers:
                  - 64
                  - 32
                optimizer: adam
                """, yaml);
    }

    @Test
    void histogramAndTextDecode() throws Exception {
        TensorBoardLogger logger = new TensorBoardLogger(tmp);
        TensorBoardWriter w = logger.experiment();
        assertSame(w, logger.experiment());
        w.addHistogram("weights", new float[] {-1f, 0f, 0.5f, 1f, 2f, 2f}, 3);
        w.addText("notes", "héllo **world**", 4);
        logger.finish(RunStatus.SUCCESS);

        List<Event> ev = events(logger.logDir());
        assertEquals(3, ev.size());
        Summary.Value hv = ev.get(1).getSummary().getValue(0);
        assertEquals("weights", hv.getTag());
        assertEquals(3, ev.get(1).getStep());
        HistogramProto h = hv.getHisto();
        assertEquals(-1, h.getMin());
        assertEquals(2, h.getMax());
        assertEquals(6, h.getNum());
        assertEquals(4.5, h.getSum(), 1e-12);
        assertEquals(10.25, h.getSumSquares(), 1e-12);
        assertEquals(h.getBucketCount(), h.getBucketLimitCount());
        assertEquals(6.0, h.getBucketList().stream().mapToDouble(Double::doubleValue).sum());
        for (int i = 1; i < h.getBucketLimitCount(); i++) {
            assertTrue(h.getBucketLimit(i) > h.getBucketLimit(i - 1));
        }
        assertEquals(Double.MAX_VALUE, h.getBucketLimit(h.getBucketLimitCount() - 1));
        // Each value is counted in the bucket whose right edge is the first limit above it.
        double[] limits = h.getBucketLimitList().stream().mapToDouble(Double::doubleValue).toArray();
        double[] expected = new double[limits.length];
        for (double x : new double[] {-1, 0, 0.5, 1, 2, 2}) {
            int b = 0;
            while (limits[b] <= x) {
                b++;
            }
            expected[b]++;
        }
        assertEquals(java.util.Arrays.stream(expected).boxed().toList(), h.getBucketList());

        Summary.Value tv = ev.get(2).getSummary().getValue(0);
        assertEquals("notes", tv.getTag());
        assertEquals(DataType.DT_STRING, tv.getTensor().getDtype());
        assertEquals(0, tv.getTensor().getTensorShape().getDimCount());
        assertEquals("héllo **world**", tv.getTensor().getStringVal(0).toString(StandardCharsets.UTF_8));
        assertEquals("text", tv.getMetadata().getPluginData().getPluginName());
        assertEquals(DataClass.DATA_CLASS_TENSOR, tv.getMetadata().getDataClass());
    }

    @Test
    void emptyHistogramHasOneBucket() {
        HistogramProto h = Histograms.of(new float[0]);
        assertEquals(0, h.getNum());
        assertEquals(List.of(Double.MAX_VALUE), h.getBucketLimitList());
        assertEquals(List.of(0.0), h.getBucketList());
    }

    @Test
    void versionsAreClaimedLazilyAndInOrder() throws Exception {
        TensorBoardLogger a = new TensorBoardLogger(tmp);
        TensorBoardLogger b = new TensorBoardLogger(tmp);
        assertFalse(Files.exists(tmp.resolve("fulmen_logs")));
        assertEquals("version_0", a.version());
        assertEquals("version_1", b.version());
        TensorBoardLogger fixed = TensorBoardLogger.builder(tmp).name("exp").version(7).build();
        assertEquals(tmp.resolve("exp").resolve("version_7"), fixed.logDir());
        a.finish(RunStatus.SUCCESS);
        b.finish(RunStatus.FAILED);
        fixed.finish(RunStatus.INTERRUPTED);
    }

    @Test
    void saveFlushesAndFinishIsIdempotent() throws Exception {
        TensorBoardLogger logger = TensorBoardLogger.builder(tmp).flushSecs(120).build();
        logger.logMetrics(Map.of("loss", 1.0), 1);
        logger.save();
        assertEquals(2, events(logger.logDir()).size());
        logger.finish(RunStatus.SUCCESS);
        logger.finish(RunStatus.SUCCESS);
        logger.save();
        assertThrows(IllegalStateException.class, () -> logger.logMetrics(Map.of("loss", 2.0), 2));
        assertEquals(2, events(logger.logDir()).size());
    }

    @Test
    void providerIsDiscoveredWithOptions() {
        ExperimentLoggerProvider provider = ServiceLoader.load(ExperimentLoggerProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("tensorboard"))
                .findFirst().orElseThrow();
        assertEquals(10, provider.priority());
        ExperimentLogger logger = provider.create(ProviderContext.of(tmp).withOptions(provider,
                Map.of("name", "runs", "version", "3", "flush_secs", "5", "max_queue", "16")));
        TensorBoardLogger tb = assertInstanceOf(TensorBoardLogger.class, logger);
        assertEquals("runs", tb.name());
        assertEquals(5.0, tb.flushSecs());
        assertEquals(16, tb.maxQueue());
        assertEquals(tmp.resolve("runs").resolve("version_3"), tb.logDir());
        tb.finish(RunStatus.SUCCESS);
        assertThrows(IllegalArgumentException.class, () -> provider.create(
                ProviderContext.of(tmp).withOptions(provider, Map.of("flush_secs", "soon"))));
    }
}
