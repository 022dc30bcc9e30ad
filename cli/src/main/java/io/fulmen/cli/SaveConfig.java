package io.fulmen.cli;

import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LightningCLI's {@code SaveConfigCallback}: writes the complete configuration into the run's log folder at setup,
 * so every run folder says how to reproduce it: {@code config.yaml} for fit, {@code <stage>_config.yaml} for
 * validate, test and predict (with {@code ckpt_path: last} they run in the training run's folder, whose
 * {@code config.yaml} they must not replace).
 */
final class SaveConfig implements Callback {
    static final String FILE_NAME = "config.yaml";

    private final String yaml;
    private Path written;

    SaveConfig(String yaml) {
        this.yaml = yaml;
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        if (trainer.globalRank() != 0) {
            return;
        }
        Path folder = trainer.logDir() != null ? trainer.logDir() : trainer.defaultRootDir();
        try {
            Files.createDirectories(folder);
            String name = stage == Stage.FIT ? FILE_NAME : stage.lightningName() + "_" + FILE_NAME;
            written = Files.writeString(folder.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the configuration in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Where the configuration was written, or null before setup. */
    Path written() {
        return written;
    }
}
