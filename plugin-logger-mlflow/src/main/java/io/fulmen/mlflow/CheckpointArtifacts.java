package io.fulmen.mlflow;

import io.fulmen.logging.HparamsYaml;
import io.fulmen.spi.CheckpointSaved;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lightning's {@code _scan_and_log_checkpoints}: the callback's last, best and top-k files that are new or changed
 * since they were last logged, oldest first. Each becomes {@code <stem>/<file>} in the run's artifacts, with
 * {@code <stem>/metadata.yaml} (score, original file name, the callback's settings) and {@code <stem>/aliases.txt}
 * ({@code ['latest', 'best']} for the best file, {@code ['latest']} otherwise).
 */
final class CheckpointArtifacts {
    private final Map<Path, FileTime> logged = new HashMap<>();

    record Found(Path file, Double score, boolean best) {}

    /** Files to log now, remembered as logged. */
    List<Found> scan(CheckpointSaved c) {
        Map<Path, Double> candidates = new LinkedHashMap<>();
        if (c.lastModelPath() != null) {
            candidates.put(c.lastModelPath(), c.currentScore());
        }
        if (c.bestModelPath() != null) {
            candidates.put(c.bestModelPath(), c.bestModelScore());
        }
        candidates.putAll(c.bestKModels());
        record Dated(Found found, FileTime time) {}
        List<Dated> fresh = new ArrayList<>();
        for (Map.Entry<Path, Double> e : candidates.entrySet()) {
            Path p = e.getKey();
            FileTime time;
            try {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                time = Files.getLastModifiedTime(p);
            } catch (IOException gone) {
                continue;
            }
            FileTime before = logged.get(p);
            if (before == null || before.compareTo(time) < 0) {
                fresh.add(new Dated(new Found(p, e.getValue(), p.equals(c.bestModelPath())), time));
            }
        }
        fresh.sort(Comparator.comparing(Dated::time));
        List<Found> out = new ArrayList<>();
        for (Dated d : fresh) {
            logged.put(d.found().file(), d.time());
            out.add(d.found());
        }
        return out;
    }

    static String artifactDir(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String metadataYaml(Found f, CheckpointSaved c) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("monitor", c.monitor());
        settings.put("mode", c.mode());
        settings.put("save_last", c.saveLast());
        settings.put("save_top_k", c.saveTopK());
        settings.put("save_weights_only", c.weightsOnly());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("score", f.score());
        metadata.put("original_filename", f.file().getFileName().toString());
        metadata.put("Checkpoint", settings);
        return HparamsYaml.write(metadata);
    }

    static String aliases(Found f) {
        return f.best() ? "['latest', 'best']" : "['latest']";
    }

}
