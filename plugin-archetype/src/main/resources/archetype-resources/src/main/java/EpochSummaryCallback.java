package ${package};

import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;

/**
 * Appends one line per finished training epoch to a file: {@code epoch=0 step=8 train_loss=0.52 val_loss=0.61},
 * the Trainer's callback metrics sorted by name. Only the process of global rank 0 writes.
 */
public final class EpochSummaryCallback implements Callback {
    private final Path file;

    /** Appends to {@code file}, creating it and its folder when missing. */
    public EpochSummaryCallback(Path file) {
        this.file = file;
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        if (trainer.globalRank() != 0) {
            return;
        }
        StringBuilder line = new StringBuilder("epoch=").append(trainer.currentEpoch())
                .append(" step=").append(trainer.globalStep());
        new TreeMap<>(trainer.callbackMetrics()).forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        line.append(System.lineSeparator());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("appending to " + file, e);
        }
    }
}
