package com.example.fulmen.jsonl;

import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * A callback that appends one JSON object per finished training epoch to a file:
 * {@code {"epoch": 0, "step": 16, "metrics": {"train_loss": 0.52, "val_loss": 0.61}}}, the Trainer's callback
 * metrics sorted by name. Only the process of global rank 0 writes. Written against {@code fulmen-api} alone.
 */
public final class EpochLinesCallback implements Callback {
    private final Path file;

    /** Appends to {@code file}, creating it and its folder when missing. */
    public EpochLinesCallback(Path file) {
        this.file = file;
    }

    /** The file the lines go to. */
    public Path file() {
        return file;
    }

    @Override
    public void onTrainEpochEnd(TrainerView trainer, LightningModule module) {
        if (trainer.globalRank() != 0) {
            return;
        }
        Map<String, Double> metrics = new TreeMap<>(trainer.callbackMetrics());
        StringBuilder line = new StringBuilder("{\"epoch\": ").append(trainer.currentEpoch())
                .append(", \"step\": ").append(trainer.globalStep()).append(", \"metrics\": {");
        JsonText.appendEntries(line, metrics);
        line.append("}}").append(System.lineSeparator());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("appending the epoch line to " + file, e);
        }
    }
}
