package io.fulmen.runtime;

import io.fulmen.logging.RunDirectory;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ReduceOp;
import io.fulmen.spi.Strategy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes every rank use rank 0's {@code version_N} (Lightning broadcasts rank 0's checkpoint folder): otherwise each
 * rank would claim a version of its own, and ranks other than 0 would look for checkpoints in an empty folder.
 * Called by every rank at the start of every call, so the collectives match.
 */
final class RankRunDirectories {
    private RankRunDirectories() {}

    static void agree(Strategy strategy, List<ExperimentLogger> loggers) {
        if (strategy.worldSize() <= 1) {
            return;
        }
        List<RunDirectory> runs = new ArrayList<>();
        for (ExperimentLogger logger : loggers) {
            Optional<RunDirectory> run = logger.runDirectory();
            if (run.isPresent() && runs.stream().noneMatch(r -> r == run.get())) {
                runs.add(run.get());
            }
        }
        for (RunDirectory run : runs) {
            double mine = strategy.isGlobalZero() ? number(run.path()) : -1;
            long version = (long) strategy.reduce(mine, ReduceOp.MAX);
            if (!strategy.isGlobalZero() && !run.isClaimed()) {
                String name = "version_" + version;
                run.resumeNewest(p -> p.getFileName().toString().equals(name)).orElseThrow(() ->
                        new IllegalStateException("rank " + strategy.globalRank() + " cannot see rank 0's run folder "
                                + run.versionsDir().resolve(name) + ": every rank needs the same default_root_dir "
                                + "on a shared file system"));
            }
        }
    }

    private static long number(Path version) {
        String name = version.getFileName().toString();
        return Long.parseLong(name.substring(name.lastIndexOf('_') + 1));
    }
}
