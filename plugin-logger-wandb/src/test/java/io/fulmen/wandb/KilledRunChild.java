package io.fulmen.wandb;

import java.nio.file.Path;
import java.util.Map;

/**
 * Child process for {@link KilledRunTest}: logs two metrics per step without end under {@code args[0]} with run id
 * {@code args[1]}, calling {@code save()} every 100 steps and printing {@code SAVED <last step>} after it, until
 * it is killed.
 */
public final class KilledRunChild {
    private KilledRunChild() {}

    public static void main(String[] args) {
        WandbLogger logger = WandbLogger.builder(Path.of(args[0])).saveDir(Path.of(".")).id(args[1]).maxQueue(64)
                .build();
        System.out.println("DIR " + logger.experiment().dir());
        System.out.flush();
        for (long step = 0; ; step++) {
            logger.logMetrics(Map.of("loss", 1.0 / (step + 1), "acc", step / 1e6), step);
            if ((step + 1) % 100 == 0) {
                logger.save();
                System.out.println("SAVED " + step);
                System.out.flush();
            }
        }
    }
}
