package io.fulmen.ddp;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lightning's promise, through the public Trainer and real processes: {@code strategy("ddp").devices(2)} with
 * batch 32 per rank ends with the weights of one process with batch 64, for SGD with momentum and Adam, with and
 * without gradient accumulation. Rank 1 starts from other weights (another seed), so the broadcast is needed too.
 */
class DdpEquivalenceTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, accumulate {1}")
    @CsvSource({"sgd, 1", "adam, 1", "sgd, 2", "adam, 2"})
    void twoRanksOfHalfBatchesEqualOneProcess(String optimizer, int accumulate) throws Exception {
        Path single = dir.resolve("single.txt");
        DdpTrainMain.main(new String[] {single.toString(), optimizer, Integer.toString(accumulate), "single_device",
                "1", "64", "2"});
        Path ddp = dir.resolve("ddp.txt");
        String output = RankRuns.runToEnd(RankRuns.javaCommand(DdpTrainMain.class.getName(), ddp.toString(),
                optimizer, Integer.toString(accumulate), "ddp", "2", "32", "2"), dir.resolve("ddp.log"), 180);
        assertTrue(output.contains("[rank 1] DONE rank 1 steps " + (8 / accumulate)), output);
        assertTrue(output.contains("DONE rank 0 steps " + (8 / accumulate)), output);
        String rank0Loss = output.lines().filter(l -> l.startsWith("METRIC ")).findFirst().orElseThrow();
        assertTrue(output.contains("[rank 1] " + rank0Loss), "log(..., syncDist) gives every rank the same value: "
                + output);
        Map<String, float[]> expected = RankRuns.weights(single);
        double diff = RankRuns.maxDifference(expected, RankRuns.weights(ddp));
        System.out.println("ddp " + optimizer + " accumulate " + accumulate + ": max weight difference " + diff);
        assertTrue(diff <= 1e-6, "max weight difference " + diff);
        assertEquals(4, expected.size());
    }
}
