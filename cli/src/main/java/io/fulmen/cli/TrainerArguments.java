package io.fulmen.cli;

import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.spi.OptionType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import static io.fulmen.cli.ArgumentType.BOOL;
import static io.fulmen.cli.ArgumentType.DEVICES;
import static io.fulmen.cli.ArgumentType.DURATION;
import static io.fulmen.cli.ArgumentType.FLOAT;
import static io.fulmen.cli.ArgumentType.INT;
import static io.fulmen.cli.ArgumentType.INT_OR_BOOL;
import static io.fulmen.cli.ArgumentType.INT_OR_FLOAT;
import static io.fulmen.cli.ArgumentType.PATH;
import static io.fulmen.cli.ArgumentType.STR;

/**
 * Every {@code trainer.*} key but {@code logger} and {@code callbacks} (see {@link Components}), in Lightning's
 * names and defaults; the help of every subcommand, the checks and {@code --print_config} all read this one list.
 */
final class TrainerArguments {
    /** Lightning's order, then Fulmen's own keys. */
    static final List<TrainerArgument> ALL = List.of(
            arg("accelerator", STR, "auto", "auto, cpu, or an accelerator plugin's name",
                    (b, v) -> b.accelerator((String) v)),
            arg("strategy", STR, "auto", "auto or a strategy plugin's name", (b, v) -> b.strategy((String) v)),
            arg("devices", DEVICES, "auto", "auto, a count, -1 for all, or indices such as 0,1",
                    (b, v) -> b.devices(String.valueOf(v))),
            arg("num_nodes", INT, 1L, "nodes of a distributed run", (b, v) -> b.numNodes(i(v))),
            arg("precision", STR, "32-true",
                    "32-true, 16-mixed, 64-true, 16-true (32, 16, 64) or a precision plugin's name",
                    (b, v) -> b.precision((String) v)),
            arg("fast_dev_run", INT_OR_BOOL, false, "true or n: n batches of each loop, no loggers or checkpoints",
                    (b, v) -> {
                        if (v instanceof Boolean on) {
                            b.fastDevRun(on);
                        } else {
                            b.fastDevRun(i(v));
                        }
                    }),
            arg("max_epochs", INT, null, "null: 1000 unless max_steps or max_time bound training; -1 unbounded",
                    (b, v) -> b.maxEpochs(i(v))),
            arg("min_epochs", INT, null, "a stop request waits until this many epochs ran",
                    (b, v) -> b.minEpochs(i(v))),
            arg("max_steps", INT, -1L, "optimizer steps; -1 for unbounded", (b, v) -> b.maxSteps(((Number) v).longValue())),
            arg("min_steps", INT, null, "a stop request waits until this many steps ran",
                    (b, v) -> b.minSteps(((Number) v).longValue())),
            arg("max_time", DURATION, null, "stop after this long (90s, 2h, 00:12:00:00)",
                    (b, v) -> b.maxTime((Duration) OptionType.DURATION.parse((String) v, List.of()))),
            batches("limit_train_batches", TrainerBuilder::limitTrainBatches, TrainerBuilder::limitTrainBatches),
            batches("limit_val_batches", TrainerBuilder::limitValBatches, TrainerBuilder::limitValBatches),
            batches("limit_test_batches", TrainerBuilder::limitTestBatches, TrainerBuilder::limitTestBatches),
            batches("limit_predict_batches", TrainerBuilder::limitPredictBatches,
                    TrainerBuilder::limitPredictBatches),
            arg("val_check_interval", INT_OR_FLOAT, 1.0, "validate every n training batches (int) or fraction of an"
                    + " epoch (float)", (b, v) -> {
                        if (v instanceof Double d) {
                            b.valCheckInterval(d);
                        } else {
                            b.valCheckInterval(i(v));
                        }
                    }),
            arg("check_val_every_n_epoch", INT, 1L, "validate every n epochs; null counts val_check_interval across"
                    + " epochs", (b, v) -> b.checkValEveryNEpoch(i(v))),
            arg("num_sanity_val_steps", INT, 2L, "validation batches before training; -1 for all",
                    (b, v) -> b.numSanityValSteps(i(v))),
            arg("log_every_n_steps", INT, 50L, "how often to log within steps", (b, v) -> b.logEveryNSteps(i(v))),
            arg("enable_checkpointing", BOOL, true, "add a ModelCheckpoint when none is given",
                    (b, v) -> b.enableCheckpointing((Boolean) v)),
            arg("enable_progress_bar", BOOL, true, "show the progress bar", (b, v) -> b.enableProgressBar((Boolean) v)),
            arg("enable_model_summary", BOOL, true, "print the model summary",
                    (b, v) -> b.enableModelSummary((Boolean) v)),
            arg("accumulate_grad_batches", INT, 1L, "one optimizer step every n batches",
                    (b, v) -> b.accumulateGradBatches(i(v))),
            arg("gradient_clip_val", FLOAT, null, "clip gradients at this value; null or 0 does not clip",
                    (b, v) -> b.gradientClipVal(((Number) v).doubleValue())),
            arg("gradient_clip_algorithm", STR, null, "norm (null) or value", (b, v) -> b.gradientClipAlgorithm((String) v)),
            arg("overfit_batches", INT_OR_FLOAT, 0L, "train and validate on these batches only (int or fraction)",
                    (b, v) -> {
                        if (v instanceof Double d) {
                            b.overfitBatches(d);
                        } else {
                            b.overfitBatches(i(v));
                        }
                    }),
            arg("reload_dataloaders_every_n_epochs", INT, 0L, "ask the data hooks again every n epochs; 0 never",
                    (b, v) -> b.reloadDataloadersEveryNEpochs(i(v))),
            arg("inference_mode", BOOL, true, "evaluate without recording gradients",
                    (b, v) -> b.inferenceMode((Boolean) v)),
            arg("deterministic", BOOL, false, "deterministic algorithms", (b, v) -> b.deterministic((Boolean) v)),
            arg("detect_anomaly", BOOL, false, "fail on a NaN/inf loss or gradient, naming where",
                    (b, v) -> b.detectAnomaly((Boolean) v)),
            arg("profiler", STR, null, "simple: time every hook and phase, printed at the end and written to"
                    + " <stage>-profiler.txt in the log directory; advanced: also the top methods (JFR); null: none",
                    (b, v) -> b.profiler((String) v)),
            arg("report", BOOL, false, "write report.html (curves, hyperparameters, timings, checkpoints) after fit",
                    (b, v) -> b.report((Boolean) v)),
            arg("default_root_dir", PATH, null, "where logs and checkpoints go; null: the working directory",
                    (b, v) -> b.defaultRootDir(Path.of((String) v).toAbsolutePath())),
            arg("checkpoint_io", STR, "fulmen", "fulmen, or async (Lightning's AsyncCheckpointIO)",
                    (b, v) -> b.checkpointIO((String) v)),
            arg("engine", STR, "PyTorch", "the DJL engine; an inference engine serves validate/test/predict only",
                    (b, v) -> b.engine((String) v)),
            arg("plugins_dir", PATH, null, "folder of plugin bundles; null: $FULMEN_PLUGINS_DIR, else the"
                    + " distribution's plugins/", (b, v) -> b.pluginsDir(Path.of((String) v))),
            arg("allow_writable_plugins_dir", BOOL, false, "load bundles from a folder group or others can write to",
                    (b, v) -> b.allowWritablePluginsDir((Boolean) v)));

    private TrainerArguments() {}

    static Optional<TrainerArgument> find(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    private static TrainerArgument arg(String name, ArgumentType type, Object defaultValue, String description,
                                       BiConsumer<TrainerBuilder, Object> apply) {
        return new TrainerArgument(name, type, defaultValue, description, apply);
    }

    private static TrainerArgument batches(String name, BiConsumer<TrainerBuilder, Integer> count,
                                           BiConsumer<TrainerBuilder, Double> fraction) {
        return arg(name, INT_OR_FLOAT, 1.0, "batches per run: a count (int) or a fraction (float)", (b, v) -> {
            if (v instanceof Double d) {
                fraction.accept(b, d);
            } else {
                count.accept(b, i(v));
            }
        });
    }

    private static int i(Object v) {
        return Math.toIntExact(((Number) v).longValue());
    }
}
