package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;

/**
 * {@code callbacks("model_checkpoint")}: a {@link ModelCheckpoint} configured by {@code model_checkpoint.<key>}
 * options named as Lightning's {@code ModelCheckpoint} arguments. Given by name, it replaces the Trainer's default
 * checkpoint callback, as an instance would.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class ModelCheckpointProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofPath("dirpath", null, "the checkpoints' folder; default: <log dir>/checkpoints"),
            OptionSpec.ofString("filename", null, "name template without extension, e.g. {epoch}-{val_loss:.2f}"),
            OptionSpec.ofString("monitor", null, "the metric to rank checkpoints by; default: keep the latest"),
            OptionSpec.ofEnum("mode", "min", "whether lower (min) or higher (max) values are better", "min", "max"),
            OptionSpec.ofInt("save_top_k", 1, "how many best checkpoints to keep; -1 all, 0 none"),
            OptionSpec.ofEnum("save_last", "false", "also write last.ckpt: true a copy, link a symbolic link",
                    "false", "true", "link"),
            OptionSpec.ofBoolean("save_weights_only", false, "save only the module's parameters"),
            OptionSpec.ofBoolean("verbose", false, "log every top-k decision"),
            OptionSpec.ofBoolean("auto_insert_metric_name", true, "write name= before every templated value"),
            OptionSpec.ofInt("every_n_train_steps", null, "save every n optimizer steps"),
            OptionSpec.ofDuration("train_time_interval", null, "save after this much training time"),
            OptionSpec.ofInt("every_n_epochs", null, "save every n epochs"),
            OptionSpec.ofBoolean("save_on_train_epoch_end", null, "save at train epoch end (true) or after "
                    + "validation (false); default: Lightning's automatic choice"),
            OptionSpec.ofBoolean("enable_version_counter", true, "append -v1, -v2… instead of overwriting"));

    @Override
    public String name() {
        return "model_checkpoint";
    }

    @Override
    public String description() {
        return "saves checkpoints, the best k by a monitored metric and optionally the last (Lightning's "
                + "ModelCheckpoint)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        ProviderOptions o = context.options();
        ModelCheckpointBuilder b = ModelCheckpoint.builder()
                .mode(o.getEnum("mode"))
                .saveTopK(o.getInt("save_top_k"))
                .saveWeightsOnly(o.getBoolean("save_weights_only"))
                .verbose(o.getBoolean("verbose"))
                .autoInsertMetricName(o.getBoolean("auto_insert_metric_name"))
                .enableVersionCounter(o.getBoolean("enable_version_counter"));
        if (o.isSet("dirpath")) {
            b.dirpath(o.getPath("dirpath"));
        }
        o.get("filename").ifPresent(b::filename);
        o.get("monitor").ifPresent(b::monitor);
        switch (o.getEnum("save_last")) {
            case "true" -> b.saveLast(true);
            case "link" -> b.saveLastAsLink();
            default -> b.saveLast(false);
        }
        if (o.isSet("every_n_train_steps")) {
            b.everyNTrainSteps(o.getInt("every_n_train_steps"));
        }
        if (o.isSet("every_n_epochs")) {
            b.everyNEpochs(o.getInt("every_n_epochs"));
        }
        if (o.isSet("train_time_interval")) {
            b.trainTimeInterval(o.getDuration("train_time_interval"));
        }
        if (o.isSet("save_on_train_epoch_end")) {
            b.saveOnTrainEpochEnd(o.getBoolean("save_on_train_epoch_end"));
        }
        return b.build();
    }
}
