package io.fulmen.runtime.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fulmen.runtime.checkpoint.CheckpointReader;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The checkpoints a run kept in its {@code checkpoints/} folder, with the score {@code ModelCheckpoint} gave each:
 * the scores come from {@code best_k_models} in the callback states of the checkpoints' manifests (the newest
 * checkpoint knows the final top k). Only manifests are read, never tensors.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class KeptCheckpoints {
    /** The folder inside a run's log directory. */
    public static final String FOLDER = "checkpoints";

    private KeptCheckpoints() {}

    /**
     * One kept file.
     *
     * @param file    the file name
     * @param bytes   its size
     * @param monitor the metric its score is of, or empty
     * @param score   the score as written in the manifest, or empty when it is not in a top k
     */
    @API(status = API.Status.INTERNAL, since = "0.1.0")
    public record Row(String file, long bytes, String monitor, String score) {}

    /** The rows of {@code logDir}'s checkpoints, by file name; empty without a checkpoints folder. */
    public static List<Row> read(Path logDir) throws IOException {
        Path folder = logDir.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".ckpt")).sorted().toList();
        }
        Map<String, String[]> scores = new HashMap<>();
        files.stream().max(Comparator.comparing(KeptCheckpoints::modified)).ifPresent(newest -> scoresOf(newest,
                scores));
        List<Row> rows = new ArrayList<>();
        for (Path f : files) {
            String[] score = scores.getOrDefault(f.getFileName().toString(), new String[] {"", ""});
            rows.add(new Row(f.getFileName().toString(), Files.size(f), score[0], score[1]));
        }
        return rows;
    }

    /** File name to {monitor, score} from every ModelCheckpoint state in {@code file}'s manifest. */
    private static void scoresOf(Path file, Map<String, String[]> into) {
        JsonObject manifest;
        try {
            manifest = CheckpointReader.readManifest(file);
        } catch (IOException | RuntimeException unreadable) {
            return; // the table still lists the file, without a score
        }
        JsonObject callbacks = manifest.getAsJsonObject("callbacks");
        if (callbacks == null) {
            return;
        }
        for (Map.Entry<String, JsonElement> state : callbacks.entrySet()) {
            if (!state.getKey().startsWith("ModelCheckpoint") || !state.getValue().isJsonObject()) {
                continue;
            }
            JsonObject s = state.getValue().getAsJsonObject();
            JsonElement monitor = s.get("monitor");
            JsonElement best = s.get("best_k_models");
            if (best == null || !best.isJsonObject()) {
                continue;
            }
            for (Map.Entry<String, JsonElement> kept : best.getAsJsonObject().entrySet()) {
                String name = Path.of(kept.getKey()).getFileName().toString();
                into.put(name, new String[] {monitor == null || monitor.isJsonNull() ? "" : monitor.getAsString(),
                        kept.getValue().isJsonNull() ? "" : kept.getValue().getAsString()});
            }
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException gone) {
            return Long.MIN_VALUE;
        }
    }
}
