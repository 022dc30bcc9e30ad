package io.fulmen.mlflow;


import java.nio.file.Path;
import java.util.Map;

/**
 * A JVM that logs and exits without finishing the run (what happens when training is interrupted or the Trainer
 * is never closed). Arguments: tracking URI, root directory, number of steps.
 */
public final class ExitingChild {
    public static void main(String[] args) {
        MlflowLogger logger = new MlflowLogger(MlflowSettings.from(MlflowOptions.of(Map.of("tracking_uri", args[0],
                "flush_timeout_s", "1")), Map.of(), Path.of(args[1])), System.err);
        for (int step = 0; step < Integer.parseInt(args[2]); step++) {
            logger.logMetrics(Map.of("loss", 1.0 / (step + 1)), step);
        }
        System.out.println("logged");
        System.exit(0);
    }
}
