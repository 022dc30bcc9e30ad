package io.fulmen.spi;

import org.apiguardian.api.API;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint callback knows right after it wrote {@link #file()} (what Lightning's loggers read from the
 * callback in {@code after_save_checkpoint}): the kept top-k files with their scores, the best and the last file.
 * Paths are absolute; a score is null without a monitor.
 *
 * @param file           the file just written
 * @param monitor        the monitored metric, or null
 * @param mode           {@code "min"} or {@code "max"}
 * @param saveTopK       the callback's {@code save_top_k} ({@code -1}: every file is kept)
 * @param saveLast       whether a {@code last.ckpt} is kept
 * @param weightsOnly    whether the files hold the weights alone
 * @param lastModelPath  the latest {@code last.ckpt}, or null
 * @param currentScore   the monitored value of the latest save, or null
 * @param bestModelPath  the best file so far, or null
 * @param bestModelScore its score, or null
 * @param bestKModels    the kept files and their scores, in the order they were saved
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record CheckpointSaved(Path file, String monitor, String mode, int saveTopK, boolean saveLast,
                              boolean weightsOnly, Path lastModelPath, Double currentScore, Path bestModelPath,
                              Double bestModelScore, Map<Path, Double> bestKModels) {
    public CheckpointSaved {
        bestKModels = Collections.unmodifiableMap(new LinkedHashMap<>(bestKModels));
    }
}
