package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDManager;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/** The entry points of the evaluation and prediction loops, as the Trainer calls them. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class Loops {
    private Loops() {}

    public static Map<String, Double> validate(RunContext run, DataSources data) {
        DataLoader loader = require(data.val(), "validation", "valDataloader()");
        long limit = run.settings.limitValBatches().of(loader.numBatches(), "limit_val_batches");
        return new EvaluationLoop(run).run(Stage.VALIDATE, loader, limit, false, run.state.batchesThatStepped());
    }

    public static Map<String, Double> test(RunContext run, DataSources data) {
        DataLoader loader = require(data.test(), "test", "testDataloader()");
        long limit = run.settings.limitTestBatches().of(loader.numBatches(), "limit_test_batches");
        return new EvaluationLoop(run).run(Stage.TEST, loader, limit, false, run.state.batchesThatStepped());
    }

    public static List<Object> predict(RunContext run, DataSources data, NDManager results) {
        DataLoader loader = require(data.predict(), "predict", "predictDataloader()");
        long limit = run.settings.limitPredictBatches().of(loader.numBatches(), "limit_predict_batches");
        return new PredictionLoop(run).predict(loader, limit, results);
    }

    /** Loads a checkpoint's model parameters into the module (for validate/test/predict with a ckptPath). */
    public static void restoreWeights(RunContext run, io.fulmen.runtime.checkpoint.Checkpoint checkpoint,
                                      String origin) {
        FitCheckpoint.restoreParameters(run, checkpoint, origin);
    }


    private static DataLoader require(DataLoader loader, String what, String hook) {
        if (loader == null) {
            throw new IllegalStateException("no " + what + " data: pass a loader to the call, or return one from "
                    + hook + " of the DataModule or the module");
        }
        return loader;
    }
}
