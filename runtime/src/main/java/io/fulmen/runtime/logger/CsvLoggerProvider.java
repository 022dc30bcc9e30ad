package io.fulmen.runtime.logger;

import io.fulmen.logging.RunDirectory;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.List;

/**
 * Creates a {@link CsvLogger} for {@code logger("csv")}. Options ({@code csv.<key>}): {@code name}, {@code version}
 * (a number for {@code version_N}, or any other string used verbatim; default the next free number),
 * {@code flush_logs_every_n_steps} and {@code save_dir} (default the Trainer's root directory). Without a version,
 * and with a name and save_dir that put it in the Trainer's versions folder ({@code <root>/fulmen_logs}, the
 * defaults), the logger writes into the Trainer's shared run directory ({@link ProviderContext#runDirectory()}).
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class CsvLoggerProvider implements ExperimentLoggerProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofString("name", CsvLogger.DEFAULT_NAME, "the experiment's folder under save_dir"),
            OptionSpec.ofString("version", null, "a number for version_N, or a folder name; default: the next "
                    + "free number"),
            OptionSpec.ofInt("flush_logs_every_n_steps", CsvLogger.DEFAULT_FLUSH_LOGS_EVERY_N_STEPS,
                    "write metrics.csv every n logged steps"),
            OptionSpec.ofPath("save_dir", null, "where the experiment folder goes; default: the Trainer's root "
                    + "directory"));

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
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public ExperimentLogger create(ProviderContext context) {
        ProviderOptions options = context.options();
        Path saveDir = options.isSet("save_dir") ? options.getPath("save_dir") : context.rootDir();
        String name = options.getString("name");
        CsvLogger.Builder builder = CsvLogger.builder(saveDir)
                .flushLogsEveryNSteps(options.getInt("flush_logs_every_n_steps"));
        RunDirectory run = context.runDirectory();
        if (!options.isSet("version") && run.name().equals(name) && run.isVersionsDir(saveDir.resolve(name))) {
            return builder.runDirectory(run).build();
        }
        builder.name(name);
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
