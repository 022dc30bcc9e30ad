package io.fulmen.runtime.logger;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.LoggerContext;
import io.fulmen.spi.PluginOptions;

import java.nio.file.Path;

/**
 * Creates a {@link CsvLogger} for {@code logger("csv")}. Options: {@code name} (default {@code "fulmen_logs"}),
 * {@code version} (a number for {@code version_N}, or any other string used verbatim; default the next free
 * number), {@code flush_logs_every_n_steps} (default 100) and {@code save_dir} (default the Trainer's root
 * directory).
 */
public final class CsvLoggerProvider implements ExperimentLoggerProvider {

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String description() {
        return "metrics.csv and hparams.yaml under <root>/<name>/version_N, as Lightning's CSVLogger";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public ExperimentLogger create(LoggerContext context) {
        PluginOptions options = context.options() == null ? PluginOptions.empty() : context.options();
        Path root = options.get("save_dir").map(Path::of).orElse(context.rootDir());
        CsvLogger.Builder builder = CsvLogger.builder(root)
                .name(options.get("name", CsvLogger.DEFAULT_NAME))
                .flushLogsEveryNSteps(options.getInt("flush_logs_every_n_steps",
                        CsvLogger.DEFAULT_FLUSH_LOGS_EVERY_N_STEPS));
        options.get("version").map(String::trim).ifPresent(v -> {
            if (v.matches("\\d{1,9}")) {
                builder.version(Integer.parseInt(v));
            } else {
                builder.version(v);
            }
        });
        return builder.build();
    }
}
