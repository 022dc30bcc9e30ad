package io.fulmen.cli;

import io.fulmen.LightningModule;
import io.fulmen.data.DataSource;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Predictions;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.plugin.PluginRegistry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code fulmen fit|validate|test|predict}: merges the configuration, resolves it, and either prints it
 * ({@code --print_config}) or builds the Trainer, the model and the data and runs the stage. The last line is the
 * result: {@code <stage>: name=value …} with the callback metrics after fit, each loader's results after validate
 * and test, the batch count after predict.
 */
final class RunCommand {
    /** What the command line asked for. */
    record Invocation(String stage, List<Path> configs, List<Map.Entry<String, String>> overrides, String classpath,
                      boolean printConfig) {}

    private final PrintStream out;
    private final PrintStream err;

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(Invocation call) {
        ConfigTree tree = new ConfigTree();
        call.configs().forEach(tree::mergeFile);
        call.overrides().forEach(o -> tree.override(o.getKey(), o.getValue()));
        ClassLocator classes = ClassLocator.of(call.classpath());
        Thread.currentThread().setContextClassLoader(classes.loader());
        TrainerBuilder sources = RunConfig.pluginSources(tree.root());
        try (PluginRegistry plugins = PluginRegistry.discover(classes.loader(), sources.pluginsFolder(),
                sources.bundlePolicy())) {
            RunConfig config = RunConfig.resolve(tree.root(), classes, plugins);
            String yaml = ConfigTree.dump(config.tree());
            if (call.printConfig()) {
                out.print(yaml);
                return 0;
            }
            TrainerBuilder builder = Trainer.builder().plugins(plugins);
            config.configure(builder);
            if (config.seed() != null) {
                builder.seed(config.seed());
            }
            SaveConfig save = new SaveConfig(yaml);
            builder.callbacks(save);
            DataSource data = config.data() == null ? null : (DataSource) config.data().create();
            try (LightningModule model = (LightningModule) config.model().create(); Trainer trainer = build(builder)) {
                warnIfOptimizersReplaced(model, config.optimizers());
                String result = stage(call.stage(), trainer, model, data,
                        config.ckptPath() == null ? null : CkptPath.parse(config.ckptPath()));
                if (save.written() != null) {
                    out.println("config: " + save.written());
                }
                out.println(result);
            }
            return 0;
        }
    }

    /** LightningCLI's warning when its optimizer replaces the model's own configure_optimizers. */
    private void warnIfOptimizersReplaced(LightningModule model, OptimizerShortcuts optimizers) {
        if (optimizers.optimizerName() == null) {
            return;
        }
        try {
            if (model.getClass().getMethod("configureOptimizers").getDeclaringClass() != LightningModule.class) {
                err.println("warning: " + model.getClass().getSimpleName() + ".configureOptimizers() is replaced by"
                        + " the configuration's optimizer " + optimizers.optimizerName()
                        + " (LightningCLI does the same)");
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Trainer build(TrainerBuilder builder) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("trainer: " + e.getMessage(), e);
        }
    }

    private static String stage(String stage, Trainer trainer, LightningModule model, DataSource data, CkptPath ckpt) {
        return switch (stage) {
            case "fit" -> {
                trainer.fit(model, data, ckpt);
                yield "fit: " + metrics(trainer.view().callbackMetrics());
            }
            case "validate" -> results(stage, trainer.validate(model, data, ckpt));
            case "test" -> results(stage, trainer.test(model, data, ckpt));
            case "predict" -> {
                try (Predictions<Object> predictions = trainer.predict(model, data, ckpt)) {
                    yield "predict: batches=" + predictions.size();
                }
            }
            default -> throw new IllegalArgumentException("unknown stage " + stage);
        };
    }

    private static String results(String stage, List<Map<String, Double>> perLoader) {
        return perLoader.stream().map(RunCommand::metrics).collect(Collectors.joining(" | ", stage + ": ", ""));
    }

    private static String metrics(Map<String, Double> values) {
        return new TreeMap<>(values).entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.6f", e.getValue()))
                .collect(Collectors.joining(" "));
    }
}
