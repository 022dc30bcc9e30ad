package io.fulmen.examples;

import io.fulmen.examples.fashion.FashionMnistDataModule;
import io.fulmen.examples.fashion.LitClassifier;
import io.fulmen.runtime.CkptPath;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.callbacks.ModelCheckpoint;
import io.fulmen.runtime.plugin.PluginRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quickstart: trains the Fashion-MNIST MLP classifier and tests it. Its options make it a small command-line
 * trainer; the last line on success is {@code test_acc=<float> test_loss=<float>}.
 */
public final class Quickstart {
    private Quickstart() {}

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (UsageException e) {
            System.err.println("quickstart: " + e.getMessage());
            System.err.println("Run with --help for the options.");
            status = 2;
        } catch (RuntimeException | Error e) {
            System.err.println("quickstart failed: " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                System.err.println("  caused by: " + c);
            }
            status = 1;
        }
        System.exit(status);
    }

    /** Runs the quickstart; returns the process exit status. */
    static int run(String[] args) {
        Options o = Options.parse(args);
        if (o.help) {
            System.out.println(Options.HELP);
            return 0;
        }
        if (o.listPlugins) {
            // The same folder and policy a run would use (--plugins-dir, -Dfulmen.plugins.dir, FULMEN_PLUGINS_DIR).
            TrainerBuilder sources = Trainer.builder().allowWritablePluginsDir(o.allowWritablePluginsDir);
            if (o.pluginsDir != null) {
                sources.pluginsDir(o.pluginsDir);
            }
            try (PluginRegistry registry = PluginRegistry.discover(Quickstart.class.getClassLoader(),
                    sources.pluginsFolder(), sources.bundlePolicy())) {
                System.out.print(registry.render());
            }
            return 0;
        }
        FashionMnistDataModule data = FashionMnistDataModule.builder()
                .dataDir(o.dataDir).batchSize(o.batchSize).build();
        data.prepareData();
        System.out.println(data.source().describe());

        TrainerBuilder builder = Trainer.builder()
                .accelerator(o.accelerator).devices(o.devices).precision(o.precision).checkpointIO(o.checkpointIO)
                .defaultRootDir(o.rootDir);
        if (o.epochs != null) {
            builder.maxEpochs(o.epochs);
        }
        if (o.maxSteps != null) {
            builder.maxSteps(o.maxSteps);
        }
        if (o.seed != null) {
            builder.seed(o.seed);
        }
        if (o.strategy != null) {
            builder.strategy(o.strategy);
        }
        if (o.pluginsDir != null) {
            builder.pluginsDir(o.pluginsDir);
        }
        builder.allowWritablePluginsDir(o.allowWritablePluginsDir);
        if (o.limitTrainBatches != null) {
            builder.limitTrainBatches(o.limitTrainBatches);
        }
        if (!o.loggers.isEmpty()) {
            builder.logger(o.loggers.toArray(String[]::new));
        }
        o.loggerOptions.forEach((k, v) -> builder.option(Options.namespaced(k, o.loggers), v));
        if (!o.callbacks.isEmpty()) {
            builder.callbacks(o.callbacks.toArray(String[]::new));
        }
        o.callbackOptions.forEach((k, v) -> builder.option(Options.namespaced(k, o.callbacks), v));
        // Checkpoints go to the run's folder (fulmen_logs/version_N/checkpoints, or <root>/checkpoints without a
        // logger); --ckpt-path last continues the newest run that has a last.ckpt, in its folder.
        ModelCheckpoint checkpoints = ModelCheckpoint.builder().monitor("val_loss").saveTopK(1).saveLast(true).filename("{epoch}-{val_loss:.4f}").build();
        builder.callbacks(checkpoints);
        // --engine: the test runs on that engine; its Trainer is built first, so a missing engine fails before fit
        try (Trainer tester = o.engine == null ? null : engineTrainer(o);
             LitClassifier model = new LitClassifier(o.hidden, o.lr); Trainer trainer = builder.build()) {
            if (o.ckptPath != null) {
                trainer.fit(model, data, CkptPath.parse(o.ckptPath));
            } else {
                trainer.fit(model, data);
            }
            System.out.println("checkpoints: best " + checkpoints.bestModelPath() + ", last "
                    + checkpoints.lastModelPath());
            if (tester != null) {
                System.out.println("engine: " + o.engine);
            }
            Map<String, Double> test = (tester != null ? tester : trainer).test(model, data).get(0);
            Double acc = test.get("test_acc");
            Double loss = test.get("test_loss");
            if (acc == null || loss == null) {
                throw new IllegalStateException("the test loop logged no test_acc/test_loss: " + test);
            }
            if (trainer.view().logDir() != null && !trainer.view().loggers().isEmpty()) {
                System.out.println("logs: " + trainer.view().logDir());
            }
            trainer.view().loggers().forEach(l -> System.out.println("logger " + l.name() + ": version " + l.version()));
            System.out.printf(Locale.ROOT, "test_acc=%.4f test_loss=%.4f%n", acc, loss);
        }
        return 0;
    }

    /**
     * {@code --engine}: a Trainer on another DJL engine (training needs PyTorch's gradients) that tests the trained
     * module, finding engines where the run's Trainer finds plugins.
     */
    private static Trainer engineTrainer(Options o) {
        TrainerBuilder onEngine = Trainer.builder().engine(o.engine).accelerator(o.accelerator).devices(o.devices)
                .defaultRootDir(o.rootDir).logger(false).allowWritablePluginsDir(o.allowWritablePluginsDir);
        if (o.pluginsDir != null) {
            onEngine.pluginsDir(o.pluginsDir);
        }
        return onEngine.build();
    }

    /** A command-line mistake: reported with exit status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    static final class Options {
        static final String HELP = String.join("\n",
                "Usage: ./quickstart [options]",
                "Trains an MLP on Fashion-MNIST with Fulmen's Trainer, then tests it.",
                "  --epochs N               max epochs (default 2)",
                "  --max-steps N            stop after N optimizer steps",
                "  --batch-size N           training batch size (default 64)",
                "  --lr X                   Adam learning rate (default 0.001)",
                "  --hidden N               hidden units (default 128)",
                "  --logger NAME            a logger by name (repeatable); 'none' for no logger (default csv)",
                "  --logger-option K=V      a logger option (repeatable), K as NAME.KEY (mlflow.log_model=true), or",
                "                           just KEY when one --logger is given; e.g. experiment_name=fmnist,",
                "                           tracking_uri=http://127.0.0.1:5000 (mlflow); --list-plugins shows them",
                "  --callback NAME          a callback by name (repeatable): early_stopping, model_checkpoint,",
                "                           learning_rate_monitor, timer, or a plugin's (see --list-plugins)",
                "  --callback-option K=V    a callback option (repeatable), K as NAME.KEY (early_stopping.patience=5),",
                "                           or just KEY when one --callback is given (monitor=val_loss)",
                "  --root-dir DIR           where logs go (default: current directory)",
                "  --accelerator NAME       auto (default), cpu, or a plugin's name",
                "  --devices SPEC           auto (default), a count, or indices like 0,1",
                "  --strategy NAME          auto (default), single_device, or ddp (with --devices N: N processes,",
                "                           the others started by this one, each on its shard of the data)",
                "  --precision NAME         32-true (default), 16-mixed, 64-true, 16-true, or Lightning's 32, 64, 16;",
                "                           bf16-mixed/bf16-true are refused: DJL's PyTorch engine has no bfloat16",
                "  --checkpoint-io NAME     fulmen (default: written in the training thread) or async (written",
                "                           in the background, Lightning's AsyncCheckpointIO)",
                "  --seed N                 seed initialisation and shuffling",
                "  --data-dir DIR           Fashion-MNIST IDX files (default: Debian's dataset-fashion-mnist,",
                "                           else the subset shipped with Fulmen)",
                "  --limit-train-batches N  train on N batches per epoch",
                "  --plugins-dir DIR        folder of plugin bundles (PF4J) to load besides the classpath",
                "                           (default: -Dfulmen.plugins.dir, $FULMEN_PLUGINS_DIR, ./plugins)",
                "  --allow-writable-plugins-dir  load bundles from a folder group or others can write to",
                "  --ckpt-path PATH|last|best  resume training from a checkpoint (last: the newest run's);",
                "                           checkpoints go to the run's folder, <root-dir>/fulmen_logs/",
                "                           version_N/checkpoints (best by val_loss, and last.ckpt)",
                "  --engine NAME            test on this DJL engine after training on PyTorch: PyTorch (default)",
                "                           or TensorFlow (copy plugin-engine-tensorflow/target/",
                "                           fulmen-plugin-engine-tensorflow.zip into the plugins folder)",
                "  --list-plugins           list the plugins found (classpath and plugins folder) with their",
                "                           options, availability and origin, and exit",
                "  --help                   this text");

        boolean help;
        boolean listPlugins;
        boolean allowWritablePluginsDir;
        Integer epochs = 2;
        Long maxSteps;
        int batchSize = 64;
        float lr = 1e-3f;
        int hidden = 128;
        final List<String> loggers = new ArrayList<>();
        final Map<String, String> loggerOptions = new LinkedHashMap<>();
        final List<String> callbacks = new ArrayList<>();
        final Map<String, String> callbackOptions = new LinkedHashMap<>();
        Path rootDir = Path.of("").toAbsolutePath();
        String accelerator = "auto";
        String devices = "auto";
        String strategy;
        String precision = "32-true";
        String checkpointIO = "fulmen";
        Long seed;
        Path dataDir;
        Integer limitTrainBatches;
        String ckptPath;
        Path pluginsDir;
        String engine;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String name = a;
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                if (name.equals("--help") || name.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (name.equals("--list-plugins")) {
                    o.listPlugins = true;
                    continue;
                }
                if (name.equals("--allow-writable-plugins-dir")) {
                    o.allowWritablePluginsDir = true;
                    continue;
                }
                if (!name.startsWith("--")) {
                    throw new UsageException("unexpected argument '" + a + "'");
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args[++i];
                }
                o.set(name, value);
            }
            return o;
        }

        private void set(String name, String value) {
            switch (name) {
                case "--epochs" -> epochs = intValue(name, value);
                case "--max-steps" -> maxSteps = (long) intValue(name, value);
                case "--batch-size" -> batchSize = intValue(name, value);
                case "--lr" -> lr = floatValue(name, value);
                case "--hidden" -> hidden = intValue(name, value);
                case "--logger" -> loggers.add(value);
                case "--logger-option" -> keyValue(name, value, loggerOptions);
                case "--callback" -> callbacks.add(value);
                case "--callback-option" -> keyValue(name, value, callbackOptions);
                case "--root-dir" -> rootDir = Path.of(value).toAbsolutePath();
                case "--accelerator" -> accelerator = value;
                case "--devices" -> devices = value;
                case "--strategy" -> strategy = value;
                case "--precision" -> precision = value;
                case "--checkpoint-io" -> checkpointIO = value;
                case "--seed" -> seed = (long) intValue(name, value);
                case "--data-dir" -> dataDir = Path.of(value);
                case "--limit-train-batches" -> limitTrainBatches = intValue(name, value);
                case "--plugins-dir" -> pluginsDir = Path.of(value);
                case "--ckpt-path" -> ckptPath = value;
                case "--engine" -> engine = value;
                default -> throw new UsageException("unknown option " + name);
            }
        }

        private static void keyValue(String name, String value, Map<String, String> into) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new UsageException(name + " needs KEY=VALUE, got '" + value + "'");
            }
            into.put(value.substring(0, eq).trim(), value.substring(eq + 1));
        }

        /**
         * {@code key} as the Trainer wants it, {@code <provider>.<key>}: kept when it already starts with one of
         * {@code names}, else prefixed with the only name given; otherwise left for the Trainer to explain.
         */
        static String namespaced(String key, List<String> names) {
            String lower = key.toLowerCase(Locale.ROOT);
            if (names.stream().anyMatch(n -> lower.startsWith(n.trim().toLowerCase(Locale.ROOT) + "."))) {
                return key;
            }
            return names.size() == 1 ? names.get(0).trim() + "." + key : key;
        }

        private static int intValue(String name, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new UsageException(name + " takes an integer, got '" + value + "'");
            }
        }

        private static float floatValue(String name, String value) {
            try {
                return Float.parseFloat(value.trim());
            } catch (NumberFormatException e) {
                throw new UsageException(name + " takes a number, got '" + value + "'");
            }
        }
    }
}
