package io.fulmen.tensorboard;

import io.fulmen.logging.RunDirectory;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;

import java.util.List;

/**
 * The {@code "tensorboard"} logger (also {@code "tb"}). Its priority (10) makes it the default logger whenever
 * this plugin is present, as TensorBoard is Lightning's default. Options ({@code tensorboard.<key>}): {@code name},
 * {@code version} (a number or a directory name), {@code flush_secs} and {@code max_queue}. With the default name
 * and no version, the logger writes into the Trainer's shared run directory
 * ({@link ProviderContext#runDirectory()}), with the other loggers and the checkpoints of the run.
 */
public final class TensorBoardLoggerProvider implements ExperimentLoggerProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofString("name", TensorBoardLogger.DEFAULT_NAME, "the experiment's folder under the root"),
            OptionSpec.ofString("version", null, "a number for version_N, or a folder name; default: the next "
                    + "free number"),
            OptionSpec.ofDouble("flush_secs", TensorBoardLogger.DEFAULT_FLUSH_SECS,
                    "seconds between writes of the event file"),
            OptionSpec.ofInt("max_queue", TensorBoardLogger.DEFAULT_MAX_QUEUE,
                    "events buffered before the writer blocks"));

    @Override
    public String name() {
        return "tensorboard";
    }

    @Override
    public List<String> aliases() {
        return List.of("tb");
    }

    @Override
    public String description() {
        return "TensorBoard event files under <root>/fulmen_logs/version_N";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public ExperimentLogger create(ProviderContext context) {
        ProviderOptions o = context.options();
        String name = o.getString("name");
        TensorBoardLogger.Builder b = TensorBoardLogger.builder(context.rootDir())
                .maxQueue(o.getInt("max_queue"))
                .flushSecs(o.getDouble("flush_secs"));
        RunDirectory run = context.runDirectory();
        if (!o.isSet("version") && run.name().equals(name) && run.isVersionsDir(context.rootDir().resolve(name))) {
            return b.runDirectory(run).build();
        }
        b.name(name);
        o.get("version").map(String::trim).ifPresent(v -> {
            if (v.matches("\\d{1,9}")) {
                b.version(Integer.parseInt(v));
            } else {
                b.version(v);
            }
        });
        return b.build();
    }
}
