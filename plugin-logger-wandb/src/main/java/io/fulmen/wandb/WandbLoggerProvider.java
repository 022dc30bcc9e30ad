package io.fulmen.wandb;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code "wandb"} logger: Weights &amp; Biases offline runs for {@code wandb sync}. Options
 * ({@code wandb.<key>}) follow Lightning's {@code WandbLogger}: {@code project}, {@code name}, {@code id} (or
 * {@code version}), {@code save_dir}, {@code tags} (comma-separated), {@code group}, {@code job_type}, {@code notes},
 * {@code entity}, {@code log_model} ({@code false}, {@code true}, {@code all}), {@code prefix},
 * {@code config.<key>} (the initial config; a value that reads as a JSON number or boolean is one) and
 * {@code mode}, whose one value is {@code offline}. Its priority is negative: it is used only when named.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class WandbLoggerProvider implements ExperimentLoggerProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofString("project", WandbSettings.DEFAULT_PROJECT, "the W&B project"),
            OptionSpec.ofString("name", null, "the run's display name"),
            OptionSpec.ofString("id", null, "the run id (8 characters of [a-z0-9] when not given); an earlier run "
                    + "of this id in save_dir is continued"),
            OptionSpec.ofString("version", null, "same as id (Lightning's name for it)"),
            OptionSpec.ofPath("save_dir", null, "runs go to <save_dir>/wandb/ (under the root); default: the "
                    + "Trainer's run directory"),
            OptionSpec.ofString("tags", null, "the run's tags, comma-separated"),
            OptionSpec.ofString("group", null, "the run's group"),
            OptionSpec.ofString("job_type", null, "the run's job type"),
            OptionSpec.ofString("notes", null, "the run's notes"),
            OptionSpec.ofString("entity", null, "the user or team; default: the uploading user's"),
            OptionSpec.ofEnum("log_model", "false", "checkpoints into the run's files: none, the kept ones at the end "
                    + "of a successful fit, or every one as saved", "false", "true", "all"),
            OptionSpec.ofString("prefix", "", "joined to every metric key with '-'"),
            OptionSpec.ofString("config.*", null, "an initial config value: config.<key>=<value>"),
            OptionSpec.ofEnum("mode", "offline", "offline only: runs are uploaded later with wandb sync", "offline"),
            OptionSpec.ofInt("max_queue", WandbSettings.DEFAULT_MAX_QUEUE, "records buffered before logging blocks"));

    @Override
    public String name() {
        return "wandb";
    }

    @Override
    public String description() {
        return "Weights & Biases offline runs under <save_dir>/wandb/, uploaded with wandb sync";
    }

    @Override
    public int priority() {
        return -10;
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public ExperimentLogger create(ProviderContext context) {
        ProviderOptions o = context.options();
        WandbSettings.Builder b = WandbLogger.builder(context.rootDir()).project(o.getString("project"))
                .prefix(o.getString("prefix")).maxQueue(o.getInt("max_queue"));
        o.get("save_dir").ifPresentOrElse(d -> b.saveDir(o.getPath("save_dir")),
                () -> b.runDirectory(context.runDirectory()));
        String id = o.get("id").orElse(null);
        String version = o.get("version").orElse(null);
        if (id != null && version != null && !id.equals(version)) {
            throw new IllegalArgumentException("wandb.id='" + id + "' and wandb.version='" + version + "' differ: "
                    + "they name the same thing, set one");
        }
        if (id != null || version != null) {
            b.id(id != null ? id : version);
        }
        o.get("name").ifPresent(b::name);
        o.get("group").ifPresent(b::group);
        o.get("job_type").ifPresent(b::jobType);
        o.get("notes").ifPresent(b::notes);
        o.get("entity").ifPresent(b::entity);
        o.get("tags").ifPresent(t -> b.tags(Arrays.stream(t.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList()));
        b.logModel(switch (o.getEnum("log_model")) {
            case "true" -> WandbSettings.LogModel.END;
            case "all" -> WandbSettings.LogModel.ALL;
            default -> WandbSettings.LogModel.NONE;
        });
        Map<String, Object> config = new LinkedHashMap<>();
        o.withPrefix("config.").forEach((k, v) -> config.put(k, configValue(v)));
        b.config(config);
        return b.build();
    }

    private static Object configValue(String text) {
        String v = text.strip();
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        if (v.matches("-?(0|[1-9]\\d{0,17})")) {
            return Long.valueOf(v);
        }
        if (v.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
            return Double.valueOf(v);
        }
        return text;
    }
}
