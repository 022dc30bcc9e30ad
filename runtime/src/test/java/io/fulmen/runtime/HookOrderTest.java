package io.fulmen.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.GradientClipper;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.data.DataLoader;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares the hooks Fulmen calls, with their nesting and simple arguments, to PyTorch Lightning 2.2.5's recorded
 * order ({@code shared/anchors/hook_order_*.txt}, copied into the test resources). Lightning entries with no Java
 * counterpart are removed from the expectation: {@code zero_grad} and {@code train(mode)} (torch.nn.Module methods,
 * not hooks; Fulmen zeroes gradients and switches modes inside its own hooks) and {@code backward} (the module's
 * backward hook; Fulmen runs backward itself).
 */
class HookOrderTest {
    private static final Set<String> NO_JAVA_COUNTERPART = Set.of("zero_grad", "train", "backward");
    private static final Pattern LINE = Pattern.compile("^\\s*\\d+ (\\S+)\\s+(\\S.*)$");
    private static final Pattern KEPT_ARG = Pattern.compile("(batch_idx|dataloader_idx|stage|epoch)=('?\\w+'?)");

    @TempDir
    Path root;

    @Test
    void fitFollowsLightning() {
        Recorder rec = new Recorder();
        try (var model = new RecordingModule(rec); var trainer = trainer(rec).maxEpochs(1).limitTrainBatches(2)
                .limitValBatches(1).build()) {
            trainer.fit(model);
        }
        assertEquals(expected("hook_order_fit_lean.txt"), rec.lines);
    }

    @Test
    void validateFollowsLightning() {
        Recorder rec = new Recorder();
        try (var model = new RecordingModule(rec); var trainer = trainer(rec).build()) {
            trainer.validate(model);
        }
        assertEquals(expected("hook_order_validate.txt"), rec.lines);
    }

    @Test
    void testFollowsLightning() {
        Recorder rec = new Recorder();
        try (var model = new RecordingModule(rec); var trainer = trainer(rec).build()) {
            trainer.test(model);
        }
        assertEquals(expected("hook_order_test.txt"), rec.lines);
    }

    @Test
    void predictFollowsLightning() {
        Recorder rec = new Recorder();
        try (var model = new RecordingModule(rec); var trainer = trainer(rec).build()) {
            trainer.predict(model);
        }
        assertEquals(expected("hook_order_predict.txt"), rec.lines);
    }

    private TrainerBuilder trainer(Recorder rec) {
        return Fixtures.quietTrainer(root).callbacks(new RecordingCallback(rec));
    }

    private static DataLoader loader(int samples) {
        return DataLoader.of(Fixtures.blobs(samples, 32, 3)).batchSize(2).build();
    }

    /** The anchor's hook lines, minus hooks Java has no counterpart for, with only simple arguments kept. */
    static List<String> expected(String anchor) {
        String text;
        try (InputStream in = HookOrderTest.class.getResourceAsStream("/anchors/" + anchor)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("unparsed anchor line: " + line);
            }
            String call = m.group(2).trim();
            int depth = leadingSpaces(line, call) / 4;
            String name = call.substring(0, call.indexOf('('));
            String bare = name.startsWith("Callback.") ? name.substring("Callback.".length()) : name;
            if (NO_JAVA_COUNTERPART.contains(bare)) {
                continue;
            }
            List<String> args = new ArrayList<>();
            Matcher a = KEPT_ARG.matcher(call);
            while (a.find()) {
                args.add(a.group(1) + "=" + a.group(2).replace("'", ""));
            }
            out.add("    ".repeat(depth) + name + "(" + String.join(", ", args) + ")");
        }
        return out;
    }

    private static int leadingSpaces(String line, String call) {
        // columns: number, stage padded to 14 characters, then 4 spaces per nesting level
        String afterNumber = line.replaceFirst("^\\s*\\d+ ", "");
        String afterStage = afterNumber.substring(14);
        return afterStage.indexOf(call);
    }

    /** Hook calls in order, with nesting. */
    static final class Recorder {
        final List<String> lines = new ArrayList<>();
        int depth;

        void add(String call) {
            lines.add("    ".repeat(depth) + call);
        }

        void enter(String call) {
            add(call);
            depth++;
        }

        void exit() {
            depth--;
        }
    }

    static final class RecordingCallback implements Callback {
        private final Recorder r;

        RecordingCallback(Recorder r) {
            this.r = r;
        }

        private void add(String call) {
            r.add("Callback." + call);
        }

        @Override public void setup(TrainerView t, LightningModule m, Stage s) { add("setup(stage=" + s.lightningName() + ")"); }
        @Override public void teardown(TrainerView t, LightningModule m, Stage s) { add("teardown(stage=" + s.lightningName() + ")"); }
        @Override public void onFitStart(TrainerView t, LightningModule m) { add("on_fit_start()"); }
        @Override public void onFitEnd(TrainerView t, LightningModule m) { add("on_fit_end()"); }
        @Override public void onSanityCheckStart(TrainerView t, LightningModule m) { add("on_sanity_check_start()"); }
        @Override public void onSanityCheckEnd(TrainerView t, LightningModule m) { add("on_sanity_check_end()"); }
        @Override public void onTrainStart(TrainerView t, LightningModule m) { add("on_train_start()"); }
        @Override public void onTrainEnd(TrainerView t, LightningModule m) { add("on_train_end()"); }
        @Override public void onTrainEpochStart(TrainerView t, LightningModule m) { add("on_train_epoch_start()"); }
        @Override public void onTrainEpochEnd(TrainerView t, LightningModule m) { add("on_train_epoch_end()"); }
        @Override public void onTrainBatchStart(TrainerView t, LightningModule m, Batch b, int i) { add("on_train_batch_start(batch_idx=" + i + ")"); }
        @Override public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray l, Batch b, int i) { add("on_train_batch_end(batch_idx=" + i + ")"); }
        @Override public void onValidationStart(TrainerView t, LightningModule m) { add("on_validation_start()"); }
        @Override public void onValidationEnd(TrainerView t, LightningModule m) { add("on_validation_end()"); }
        @Override public void onValidationEpochStart(TrainerView t, LightningModule m) { add("on_validation_epoch_start()"); }
        @Override public void onValidationEpochEnd(TrainerView t, LightningModule m) { add("on_validation_epoch_end()"); }
        @Override public void onValidationBatchStart(TrainerView t, LightningModule m, Batch b, int i, int d) { add("on_validation_batch_start(batch_idx=" + i + ")"); }
        @Override public void onValidationBatchEnd(TrainerView t, LightningModule m, Batch b, int i, int d) { add("on_validation_batch_end(batch_idx=" + i + ")"); }
        @Override public void onTestStart(TrainerView t, LightningModule m) { add("on_test_start()"); }
        @Override public void onTestEnd(TrainerView t, LightningModule m) { add("on_test_end()"); }
        @Override public void onTestEpochStart(TrainerView t, LightningModule m) { add("on_test_epoch_start()"); }
        @Override public void onTestEpochEnd(TrainerView t, LightningModule m) { add("on_test_epoch_end()"); }
        @Override public void onTestBatchStart(TrainerView t, LightningModule m, Batch b, int i, int d) { add("on_test_batch_start(batch_idx=" + i + ")"); }
        @Override public void onTestBatchEnd(TrainerView t, LightningModule m, Batch b, int i, int d) { add("on_test_batch_end(batch_idx=" + i + ")"); }
        @Override public void onPredictStart(TrainerView t, LightningModule m) { add("on_predict_start()"); }
        @Override public void onPredictEnd(TrainerView t, LightningModule m) { add("on_predict_end()"); }
        @Override public void onPredictEpochStart(TrainerView t, LightningModule m) { add("on_predict_epoch_start()"); }
        @Override public void onPredictEpochEnd(TrainerView t, LightningModule m) { add("on_predict_epoch_end()"); }
        @Override public void onPredictBatchStart(TrainerView t, LightningModule m, Batch b, int i, int d) { add("on_predict_batch_start(batch_idx=" + i + ")"); }
        @Override public void onPredictBatchEnd(TrainerView t, LightningModule m, Object p, Batch b, int i, int d) { add("on_predict_batch_end(batch_idx=" + i + ")"); }
        @Override public void onBeforeZeroGrad(TrainerView t, LightningModule m, LightningOptimizer o) { add("on_before_zero_grad()"); }
        @Override public void onBeforeBackward(TrainerView t, LightningModule m, NDArray loss) { add("on_before_backward()"); }
        @Override public void onAfterBackward(TrainerView t, LightningModule m) { add("on_after_backward()"); }
        @Override public void onBeforeOptimizerStep(TrainerView t, LightningModule m, LightningOptimizer o) { add("on_before_optimizer_step()"); }
    }

    static final class RecordingModule extends LightningModule {
        private final Recorder r;
        private final Block net = Linear.builder().setUnits(2).build();

        RecordingModule(Recorder r) {
            this.r = r;
        }

        @Override public Block block() { return net; }

        @Override public NDList forward(NDList inputs) {
            r.add("forward()");
            return super.forward(inputs);
        }

        private NDArray loss(Batch batch) {
            return forward(batch.getData()).head().square().mean();
        }

        @Override public NDArray trainingStep(Batch batch, int batchIdx) {
            r.enter("training_step(batch_idx=" + batchIdx + ")");
            try {
                return loss(batch);
            } finally {
                r.exit();
            }
        }

        @Override public void validationStep(Batch batch, int batchIdx) {
            r.enter("validation_step(batch_idx=" + batchIdx + ")");
            try {
                log("v", loss(batch));
            } finally {
                r.exit();
            }
        }

        @Override public void testStep(Batch batch, int batchIdx) {
            r.enter("test_step(batch_idx=" + batchIdx + ")");
            try {
                log("t", loss(batch));
            } finally {
                r.exit();
            }
        }

        @Override public Object predictStep(Batch batch, int batchIdx) {
            r.enter("predict_step(batch_idx=" + batchIdx + ")");
            try {
                return super.predictStep(batch, batchIdx);
            } finally {
                r.exit();
            }
        }

        @Override public OptimizerConfig configureOptimizers() {
            r.add("configure_optimizers()");
            return OptimizerConfig.of(Sgd.builder().lr(0.1f).build());
        }

        @Override public DataLoader trainDataloader() { r.add("train_dataloader()"); return loader(4); }
        @Override public DataLoader valDataloader() { r.add("val_dataloader()"); return loader(2); }
        @Override public DataLoader testDataloader() { r.add("test_dataloader()"); return loader(2); }
        @Override public DataLoader predictDataloader() { r.add("predict_dataloader()"); return loader(2); }
        @Override public List<Callback> configureCallbacks() { r.add("configure_callbacks()"); return List.of(); }
        @Override public void prepareData() { r.add("prepare_data()"); }
        @Override public void setup(Stage stage) { r.add("setup(stage=" + stage.lightningName() + ")"); }
        @Override public void configureModel() { r.add("configure_model()"); }
        @Override public void teardown(Stage stage) { r.add("teardown(stage=" + stage.lightningName() + ")"); }
        @Override public void onFitStart() { r.add("on_fit_start()"); }
        @Override public void onFitEnd() { r.add("on_fit_end()"); }
        @Override public void onTrainStart() { r.add("on_train_start()"); }
        @Override public void onTrainEnd() { r.add("on_train_end()"); }
        @Override public void onValidationStart() { r.add("on_validation_start()"); }
        @Override public void onValidationEnd() { r.add("on_validation_end()"); }
        @Override public void onTestStart() { r.add("on_test_start()"); }
        @Override public void onTestEnd() { r.add("on_test_end()"); }
        @Override public void onPredictStart() { r.add("on_predict_start()"); }
        @Override public void onPredictEnd() { r.add("on_predict_end()"); }
        @Override public void onTrainEpochStart() { r.add("on_train_epoch_start()"); }
        @Override public void onTrainEpochEnd() { r.add("on_train_epoch_end()"); }
        @Override public void onValidationEpochStart() { r.add("on_validation_epoch_start()"); }
        @Override public void onValidationEpochEnd() { r.add("on_validation_epoch_end()"); }
        @Override public void onTestEpochStart() { r.add("on_test_epoch_start()"); }
        @Override public void onTestEpochEnd() { r.add("on_test_epoch_end()"); }
        @Override public void onPredictEpochStart() { r.add("on_predict_epoch_start()"); }
        @Override public void onPredictEpochEnd() { r.add("on_predict_epoch_end()"); }
        @Override public int onTrainBatchStart(Batch b, int i) { r.add("on_train_batch_start(batch_idx=" + i + ")"); return 0; }
        @Override public void onTrainBatchEnd(NDArray l, Batch b, int i) { r.add("on_train_batch_end(batch_idx=" + i + ")"); }
        @Override public void onValidationBatchStart(Batch b, int i, int d) { r.add("on_validation_batch_start(batch_idx=" + i + ")"); }
        @Override public void onValidationBatchEnd(Batch b, int i, int d) { r.add("on_validation_batch_end(batch_idx=" + i + ")"); }
        @Override public void onTestBatchStart(Batch b, int i, int d) { r.add("on_test_batch_start(batch_idx=" + i + ")"); }
        @Override public void onTestBatchEnd(Batch b, int i, int d) { r.add("on_test_batch_end(batch_idx=" + i + ")"); }
        @Override public void onPredictBatchStart(Batch b, int i, int d) { r.add("on_predict_batch_start(batch_idx=" + i + ")"); }
        @Override public void onPredictBatchEnd(Object p, Batch b, int i, int d) { r.add("on_predict_batch_end(batch_idx=" + i + ")"); }
        @Override public void onValidationModelZeroGrad() { r.add("on_validation_model_zero_grad()"); super.onValidationModelZeroGrad(); }
        @Override public void onValidationModelEval() { r.add("on_validation_model_eval()"); super.onValidationModelEval(); }
        @Override public void onValidationModelTrain() { r.add("on_validation_model_train()"); super.onValidationModelTrain(); }
        @Override public void onTestModelEval() { r.add("on_test_model_eval()"); super.onTestModelEval(); }
        @Override public void onTestModelTrain() { r.add("on_test_model_train()"); super.onTestModelTrain(); }
        @Override public void onPredictModelEval() { r.add("on_predict_model_eval()"); super.onPredictModelEval(); }

        @Override public Batch onBeforeBatchTransfer(Batch batch, int d) { r.add("on_before_batch_transfer(dataloader_idx=" + d + ")"); return batch; }
        @Override public Batch transferBatchToDevice(Batch batch, Device device, int d) { r.add("transfer_batch_to_device(dataloader_idx=" + d + ")"); return super.transferBatchToDevice(batch, device, d); }
        @Override public Batch onAfterBatchTransfer(Batch batch, int d) { r.add("on_after_batch_transfer(dataloader_idx=" + d + ")"); return batch; }

        @Override public void optimizerStep(int epoch, int batchIdx, LightningOptimizer o, Runnable closure) {
            r.enter("optimizer_step(epoch=" + epoch + ", batch_idx=" + batchIdx + ")");
            try {
                super.optimizerStep(epoch, batchIdx, o, closure);
            } finally {
                r.exit();
            }
        }

        @Override public void onBeforeZeroGrad(LightningOptimizer o) { r.add("on_before_zero_grad()"); }
        @Override public void optimizerZeroGrad(int epoch, int batchIdx, LightningOptimizer o) { r.add("optimizer_zero_grad(epoch=" + epoch + ", batch_idx=" + batchIdx + ")"); super.optimizerZeroGrad(epoch, batchIdx, o); }
        @Override public void onBeforeBackward(NDArray loss) { r.add("on_before_backward()"); }
        @Override public void onAfterBackward() { r.add("on_after_backward()"); }
        @Override public void onBeforeOptimizerStep(LightningOptimizer o) { r.add("on_before_optimizer_step()"); }

        @Override public void configureGradientClipping(LightningOptimizer o, GradientClipper clipper) {
            r.enter("configure_gradient_clipping()");
            try {
                r.add("clip_gradients()");
                super.configureGradientClipping(o, clipper);
            } finally {
                r.exit();
            }
        }
    }
}
