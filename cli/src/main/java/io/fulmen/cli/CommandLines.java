package io.fulmen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fulmen} command and its subcommands as picocli specifications, generated from
 * {@link TrainerArguments}: every {@code --trainer.*} option, its help line and its check come from one list.
 */
final class CommandLines {
    static final List<String> STAGES = List.of("fit", "validate", "test", "predict");
    static final String OVERRIDES = "overrides";

    private static final String[] RUN_FOOTER = {
        "",
        "Any key of the configuration is an override: --KEY=VALUE or --KEY VALUE, the value read as YAML",
        "(5 is an int, 1e-3 a float, [a, b] a list, {name: x} a mapping). Overrides apply after every --config.",
        "  --model.class_path=CLASS      the LightningModule (from lib/ or --classpath)",
        "  --model.init_args.NAME=VALUE  a constructor argument; --model.NAME=VALUE is short for it",
        "  --data.class_path=CLASS       the LightningDataModule; --data.NAME=VALUE its arguments",
        "  --trainer.callbacks='[{name: early_stopping, patience: 3}]'  callbacks by name with their options",
        "  --trainer.callbacks='[{class_path: com.acme.MyCallback, init_args: {k: v}}]'  or by Java class",
        "  --trainer.logger='[csv, {name: tensorboard, flush_secs: 30}]' loggers by name; false for none",
        "  --optimizer=Adam --optimizer.lr=0.01  an optimizer replacing the model's configureOptimizers()",
        "  --lr_scheduler=StepLR --lr_scheduler.step_size=10  its schedule, stepped every epoch",
        "Arguments bind by name and type to a constructor whose parameters are all @HyperParameter, a",
        "constructor taking one record, a static builder(), or a no-argument constructor.",
        "Exit status: 0 done, 1 the run failed, 2 a usage or configuration error. See docs/cli.md."
    };

    private CommandLines() {}

    /** {@code fulmen} with its subcommands. */
    static CommandLine create(String version) {
        CommandSpec root = CommandSpec.create().name("fulmen").mixinStandardHelpOptions(true)
                .version("fulmen " + version);
        root.usageMessage().description("PyTorch Lightning's LightningCLI for the JVM: trains, validates, tests and"
                + " predicts with a LightningModule and a LightningDataModule configured in YAML.");
        CommandLine line = new CommandLine(root);
        for (String stage : STAGES) {
            line.addSubcommand(stage, new CommandLine(stageSpec(stage)));
        }
        line.addSubcommand("plugins", new CommandLine(pluginsSpec()));
        line.addSubcommand("report", new CommandLine(reportSpec()));
        return line;
    }

    /** The options that become configuration overrides, named by their key ({@code trainer.max_epochs}). */
    static List<String> overrideKeys() {
        List<String> keys = new ArrayList<>(List.of("seed_everything", "ckpt_path"));
        TrainerArguments.ALL.forEach(a -> keys.add("trainer." + a.name()));
        keys.add("trainer.logger");
        keys.add("trainer.callbacks");
        keys.add("optimizer");
        keys.add("lr_scheduler");
        return keys;
    }

    private static CommandSpec stageSpec(String stage) {
        CommandSpec spec = CommandSpec.create().name(stage).mixinStandardHelpOptions(true);
        spec.usageMessage().description(switch (stage) {
            case "fit" -> "Trains the model (Lightning's trainer.fit), resuming from ckpt_path when given.";
            case "validate" -> "Runs one validation epoch (trainer.validate), with the weights of ckpt_path.";
            case "test" -> "Runs the test loop (trainer.test), with the weights of ckpt_path.";
            default -> "Runs prediction (trainer.predict), with the weights of ckpt_path.";
        }).footer(RUN_FOOTER);
        spec.parser().unmatchedOptionsArePositionalParams(true);
        spec.addOption(OptionSpec.builder("-c", "--config").paramLabel("FILE").type(String[].class)
                .description("a YAML configuration; several merge in order").build());
        spec.addOption(OptionSpec.builder("--print_config").arity("0").type(boolean.class)
                .description("print the complete resolved configuration (a file that reproduces the run) and exit")
                .build());
        spec.addOption(OptionSpec.builder("--classpath").paramLabel("JARS").type(String.class)
                .description("jars or folders (separated by ':') holding the model and data classes").build());
        spec.addOption(override("--seed_everything", "int | bool",
                "seed of initialisation and shuffling; true (default) picks one and records it, false: none"));
        spec.addOption(override("--ckpt_path", "path", "a checkpoint file, last or best (default: null)"));
        for (TrainerArgument a : TrainerArguments.ALL) {
            spec.addOption(override("--trainer." + a.name(), a.type().display(), a.help()));
        }
        spec.addOption(override("--trainer.logger", "list | bool",
                "loggers by name with their options; false for none (default: null, the highest-priority logger"
                        + " installed: csv, or tensorboard from its bundle)"));
        spec.addOption(override("--trainer.callbacks", "list",
                "callbacks by name with their options, or Java classes by class_path with init_args (default: [])"));
        spec.addOption(override("--optimizer", "str | mapping",
                OptimizerShortcuts.help("optimizer", OptimizerShortcuts.OPTIMIZERS)));
        spec.addOption(override("--lr_scheduler", "str | mapping",
                OptimizerShortcuts.help("lr_scheduler", OptimizerShortcuts.SCHEDULERS)));
        spec.addPositional(PositionalParamSpec.builder().index("0..*").paramLabel("--KEY=VALUE").type(String[].class)
                .descriptionKey(OVERRIDES).description("overrides of any key, e.g. --model.init_args.lr=1e-3")
                .build());
        return spec;
    }

    private static OptionSpec override(String name, String type, String description) {
        return OptionSpec.builder(name).paramLabel("<" + type + ">").type(String.class).description(description)
                .build();
    }

    private static CommandSpec pluginsSpec() {
        CommandSpec spec = CommandSpec.create().name("plugins").mixinStandardHelpOptions(true);
        spec.usageMessage().description("Lists every provider of every SPI (accelerators, strategies, precisions,"
                + " loggers, callbacks, checkpoint I/O) with its origin, version, availability and options.");
        spec.addOption(OptionSpec.builder("--plugins_dir").paramLabel("DIR").type(String.class)
                .description("folder of plugin bundles (default: $FULMEN_PLUGINS_DIR, else the distribution's"
                        + " plugins/)").build());
        spec.addOption(OptionSpec.builder("--allow_writable_plugins_dir").arity("0").type(boolean.class)
                .description("load bundles from a folder group or others can write to").build());
        return spec;
    }

    private static CommandSpec reportSpec() {
        CommandSpec spec = CommandSpec.create().name("report").mixinStandardHelpOptions(true);
        spec.usageMessage().description("Writes report.html into a finished run's log directory: metric curves,"
                + " learning rates, hyperparameters, model summary, profiler timings, kept checkpoints and the"
                + " configuration, in one file that opens offline. Reads the CSV logger's metrics.csv, else the"
                + " TensorBoard event files.");
        spec.addPositional(PositionalParamSpec.builder().index("0").arity("1").paramLabel("LOG_DIR")
                .type(String.class).description("the run folder (where metrics.csv or the TensorBoard event files are)")
                .build());
        return spec;
    }
}
