package io.fulmen.runtime.callbacks;

import io.fulmen.pyformat.PyRepr;
import io.fulmen.spi.CheckpointSaved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * {@link ModelCheckpoint}'s bookkeeping, which its checkpoint state holds: the best {@code k} checkpoints by the
 * monitored score ({@code best_k_models}), the k-th best, the best one, the latest score and the latest
 * {@code last.ckpt}. It decides, the callback writes and removes files.
 */
final class TopKCheckpoints {
    // one logger name for everything ModelCheckpoint reports
    private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

    /** What one top-k save does: write {@code filepath}, then remove {@code replaced} (null when nothing is). */
    record Update(String filepath, String replaced, int k) {}

    private final boolean min;
    private final int saveTopK;

    private Double currentScore;
    private Map<String, Double> bestKModels = new LinkedHashMap<>();
    private String kthBestModelPath = "";
    private double kthValue;
    private Double bestModelScore;
    private String bestModelPath = "";
    private String lastModelPath = "";

    TopKCheckpoints(boolean min, int saveTopK) {
        this.min = min;
        this.saveTopK = saveTopK;
        this.kthValue = worst();
    }

    Double currentScore() {
        return currentScore;
    }

    Map<String, Double> bestKModels() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(bestKModels));
    }

    String kthBestModelPath() {
        return kthBestModelPath;
    }

    double kthValue() {
        return kthValue;
    }

    Double bestModelScore() {
        return bestModelScore;
    }

    String bestModelPath() {
        return bestModelPath;
    }

    String lastModelPath() {
        return lastModelPath;
    }

    /** {@code check_monitor_top_k}: strictly better than the k-th best (NaN never is), or fewer than k kept. */
    boolean accepts(Double current) {
        if (current == null) {
            return false;
        }
        if (saveTopK == -1) {
            return true;
        }
        if (bestKModels.size() < saveTopK) {
            return true;
        }
        Double kth = bestKModels.get(kthBestModelPath);
        if (kth == null) {
            throw new IllegalStateException("ModelCheckpoint: the k-th best checkpoint '" + kthBestModelPath
                    + "' is not among the kept ones " + bestKModels.keySet());
        }
        return min ? current < kth : current > kth;
    }

    /**
     * {@code _update_best_and_save} without the writing: drops the k-th best when k are kept, names the new file
     * ({@code fileReplacing} gets the dropped path, which the new file may overwrite) and records it with
     * {@code current} (NaN as the worst value).
     */
    Update update(double current, UnaryOperator<String> fileReplacing) {
        int k = saveTopK == -1 ? bestKModels.size() + 1 : saveTopK;
        String delFilepath = null;
        if (bestKModels.size() == k && k > 0) {
            delFilepath = kthBestModelPath;
            bestKModels.remove(delFilepath);
        }
        // do not save nan, replace with +/- inf
        if (Double.isNaN(current)) {
            current = worst();
        }
        String filepath = fileReplacing.apply(delFilepath);
        currentScore = current;
        bestKModels.put(filepath, current);
        if (bestKModels.size() == k) {
            kthBestModelPath = first(!min); // the worst: max in min mode (first of equals, as Python's max)
            kthValue = bestKModels.get(kthBestModelPath);
        }
        bestModelPath = first(min);
        bestModelScore = bestKModels.get(bestModelPath);
        return new Update(filepath, delFilepath, k);
    }

    /** Without a monitor the latest checkpoint is the best; returns the previous one. */
    String replaceBest(String filepath) {
        String previous = bestModelPath;
        bestModelPath = filepath;
        return previous;
    }

    /** Records the new {@code last.ckpt}; returns the previous one. */
    String replaceLast(String filepath) {
        String previous = lastModelPath;
        lastModelPath = filepath;
        return previous;
    }

    /** Python's {@code min}/{@code max} over the kept scores: the first path with the lowest/highest score. */
    private String first(boolean lowest) {
        String best = null;
        double bestValue = 0;
        for (Map.Entry<String, Double> e : bestKModels.entrySet()) {
            double v = e.getValue();
            if (best == null || (lowest ? v < bestValue : v > bestValue)) {
                best = e.getKey();
                bestValue = v;
            }
        }
        return best;
    }

    private double worst() {
        return min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** What loggers see after a save of {@code file} ({@code after_save_checkpoint(proxy(self))}). */
    CheckpointSaved savedEvent(Path file, String monitor, String mode, boolean saveLast, boolean saveWeightsOnly) {
        Map<Path, Double> kept = new LinkedHashMap<>();
        bestKModels.forEach((path, score) -> kept.put(absolute(path), score));
        return new CheckpointSaved(file.toAbsolutePath(), monitor, mode, saveTopK, saveLast, saveWeightsOnly,
                absolute(lastModelPath), currentScore, absolute(bestModelPath), bestModelScore, kept);
    }

    private static Path absolute(String path) {
        return path == null || path.isEmpty() ? null : Path.of(path).toAbsolutePath();
    }

    // ------------------------------------------------------------------ checkpoint state

    /** Lightning's state dict, in its order: scores as JSON numbers, non-finite ones as strings. */
    Map<String, Object> stateDict(String monitor, String dirpath) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("monitor", monitor);
        state.put("best_model_score", score(bestModelScore));
        state.put("best_model_path", bestModelPath);
        state.put("current_score", score(currentScore));
        state.put("dirpath", dirpath);
        Map<String, Object> bestK = new LinkedHashMap<>();
        bestKModels.forEach((path, value) -> bestK.put(path, score(value)));
        state.put("best_k_models", bestK);
        state.put("kth_best_model_path", kthBestModelPath);
        state.put("kth_value", score(kthValue));
        state.put("last_model_path", lastModelPath);
        return state;
    }

    /**
     * Restores all but {@code monitor} and {@code current_score} when the saved {@code dirpath} is {@code dirpath},
     * else only {@code best_model_path}, with Lightning's warning.
     */
    void load(Map<String, Object> state, String dirpath) {
        Object fromCkpt = state.containsKey("dirpath") ? state.get("dirpath") : dirpath;
        if (Objects.equals(dirpath, fromCkpt == null ? null : fromCkpt.toString())) {
            bestModelScore = nullableScore(state.get("best_model_score"));
            if (state.containsKey("kth_best_model_path")) {
                kthBestModelPath = string(state.get("kth_best_model_path"));
            }
            Double kth = nullableScore(state.get("kth_value"));
            if (kth != null) {
                kthValue = kth;
            }
            Object bestK = state.get("best_k_models");
            if (bestK instanceof Map<?, ?> map) {
                Map<String, Double> restored = new LinkedHashMap<>();
                map.forEach((k, v) -> restored.put(k.toString(), nullableScore(v)));
                bestKModels = restored;
            } else if (bestK != null) {
                throw new IllegalArgumentException("ModelCheckpoint state: `best_k_models` must be a map, got "
                        + bestK);
            }
            if (state.containsKey("last_model_path")) {
                lastModelPath = string(state.get("last_model_path"));
            }
        } else {
            LOG.warn("The dirpath has changed from {} to {}, therefore `best_model_score`, `kth_best_model_path`,"
                    + " `kth_value`, `last_model_path` and `best_k_models` won't be reloaded. Only"
                    + " `best_model_path` will be reloaded.",
                    fromCkpt == null ? "None" : PyRepr.repr(fromCkpt.toString()),
                    dirpath == null ? "None" : PyRepr.repr(dirpath));
        }
        bestModelPath = string(state.get("best_model_path"));
    }

    private static String string(Object v) {
        return v == null ? "" : v.toString();
    }

    private static Object score(Double v) {
        return v == null ? null : StateScores.toState(v);
    }

    private static Double nullableScore(Object v) {
        return v == null ? null : StateScores.fromState(v, "ModelCheckpoint state: a score");
    }
}
