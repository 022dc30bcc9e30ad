package io.fulmen.runtime.tuner;

import org.apiguardian.api.API;

/**
 * What one trial of {@link Tuner#scaleBatchSize} measured, for the rule that decides whether a batch size is too
 * big.
 *
 * @param batchSize           the batch size tried
 * @param steps               training steps the trial ran
 * @param medianStepNanos     the median wall time of its steps after the first (the first initialises and warms
 *                            up); -1 with fewer than two steps
 * @param peakResidentBytes   the process's peak resident memory during the trial (Linux {@code VmHWM}, reset
 *                            before the trial), or -1 where the system does not tell
 * @param outOfMemory         whether the trial failed with an out-of-memory error (a GPU's; CPUs swap instead)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3.0")
public record BatchSizeTrial(int batchSize, int steps, long medianStepNanos, long peakResidentBytes,
                             boolean outOfMemory) {}
