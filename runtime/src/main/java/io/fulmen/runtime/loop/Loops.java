package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDManager;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.runtime.config.BatchLimit;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/** The entry points of the evaluation and prediction loops, as the Trainer calls them. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class Loops {
    private Loops() {}

    /** What a predict call produced: every output in order, and how many came from each loader. */
    public record PredictOutputs(List<Object> outputs, int[] perLoader) {}

    /** One validation epoch over every validation loader; one map of metrics per loader. */
    public static List<Map<String, Double>> validate(RunContext run, DataSources data) {
        List<DataLoader> loaders = require(data.val(), "validation", "valDataloader()");
        return new EvaluationLoop(run).run(Stage.VALIDATE, loaders,
                limits(loaders, run.settings.limitValBatches(), "limit_val_batches"), false,
                run.state.batchesThatStepped());
    }

    /** One test epoch over every test loader; one map of metrics per loader. */
    public static List<Map<String, Double>> test(RunContext run, DataSources data) {
        List<DataLoader> loaders = require(data.test(), "test", "testDataloader()");
        return new EvaluationLoop(run).run(Stage.TEST, loaders,
                limits(loaders, run.settings.limitTestBatches(), "limit_test_batches"), false,
                run.state.batchesThatStepped());
    }

    public static PredictOutputs predict(RunContext run, DataSources data, NDManager results) {
        List<DataLoader> loaders = require(data.predict(), "predict", "predictDataloader()");
        return new PredictionLoop(run).predict(loaders,
                limits(loaders, run.settings.limitPredictBatches(), "limit_predict_batches"), results);
    }

    /** Loads a checkpoint's model parameters into the module (for validate/test/predict with a ckptPath). */
    public static void restoreWeights(RunContext run, io.fulmen.runtime.checkpoint.Checkpoint checkpoint,
                                      String origin) {
        FitCheckpoint.restoreParameters(run, checkpoint, origin);
    }

    private static long[] limits(List<DataLoader> loaders, BatchLimit limit, String name) {
        long[] limits = new long[loaders.size()];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = limit.of(loaders.get(i).numBatches(), name);
        }
        return limits;
    }

    private static List<DataLoader> require(List<DataLoader> loaders, String what, String hook) {
        if (loaders.isEmpty()) {
            throw new IllegalStateException("no " + what + " data: pass a loader to the call, or return one from "
                    + hook + " of the DataModule or the module");
        }
        return loaders;
    }
}
