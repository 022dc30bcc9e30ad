package io.fulmen.tensorboard;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.LoggerContext;
import io.fulmen.spi.PluginOptions;

/**
 * The {@code "tensorboard"} logger. Its priority (10) makes it the default logger whenever this plugin is present,
 * as TensorBoard is Lightning's default. Options: {@code name} (default {@code fulmen_logs}), {@code version}
 * (a number or a directory name), {@code flush_secs} (default 120) and {@code max_queue} (default 10000).
 */
public final class TensorBoardLoggerProvider implements ExperimentLoggerProvider {
    @Override
    public String name() {
        return "tensorboard";
    }

    @Override
    public java.util.List<String> aliases() {
        return java.util.List.of("tb");
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
    public ExperimentLogger create(LoggerContext context) {
        PluginOptions o = context.options() == null ? PluginOptions.empty() : context.options();
        TensorBoardLogger.Builder b = TensorBoardLogger.builder(context.rootDir())
                .name(o.get("name", TensorBoardLogger.DEFAULT_NAME))
                .maxQueue(o.getInt("max_queue", TensorBoardLogger.DEFAULT_MAX_QUEUE));
        String flush = o.get("flush_secs", null);
        if (flush != null) {
            try {
                b.flushSecs(Double.parseDouble(flush.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option 'flush_secs' must be a number, got '" + flush + "'", e);
            }
        }
        String version = o.get("version", null);
        if (version != null) {
            String v = version.trim();
            if (v.matches("\\d{1,9}")) {
                b.version(Integer.parseInt(v));
            } else {
                b.version(v);
            }
        }
        return b.build();
    }
}
