package io.fulmen.runtime.config;

import io.fulmen.GradientClipper.ClipAlgorithm;
import io.fulmen.LoopConfig;
import org.apiguardian.api.API;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The Trainer's arguments after Lightning's defaults and {@code fast_dev_run} are applied. Immutable.
 *
 * @param maxEpochs        -1 for unbounded (resolved at fit: 1000 when neither max_steps nor max_time is set)
 * @param maxSteps         -1 for unbounded
 * @param checkValEveryNEpoch null: validation counted in global batches instead of per epoch
 * @param numSanityValSteps -1 for all validation batches
 * @param seed             null when no seed was set
 * @param useDistributedSampler whether loaders are sharded over ranks when several processes train (Lightning's
 *                         {@code use_distributed_sampler})
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public record TrainerSettings(
        Integer maxEpochs,
        int minEpochs,
        long maxSteps,
        long minSteps,
        Duration maxTime,
        BatchLimit limitTrainBatches,
        BatchLimit limitValBatches,
        BatchLimit limitTestBatches,
        BatchLimit limitPredictBatches,
        BatchLimit valCheckInterval,
        Integer checkValEveryNEpoch,
        int numSanityValSteps,
        int fastDevRun,
        int accumulateGradBatches,
        double gradientClipVal,
        ClipAlgorithm gradientClipAlgorithm,
        boolean deterministic,
        Long seed,
        Path defaultRootDir,
        boolean enableCheckpointing,
        boolean enableProgressBar,
        boolean enableModelSummary,
        int logEveryNSteps,
        boolean detectAnomaly,
        String engine,
        boolean useDistributedSampler) {

    /** max_epochs as fit uses it: Lightning's 1000 when nothing else bounds training. */
    public int effectiveMaxEpochs() {
        if (maxEpochs != null) {
            return maxEpochs;
        }
        return maxSteps == -1 && maxTime == null ? 1000 : -1;
    }

    /** The loop arguments as callbacks see them ({@code TrainerView.config()}). */
    public LoopConfig loopConfig() {
        Number interval = valCheckInterval.isCount() ? (Number) valCheckInterval.count()
                : (Number) valCheckInterval.fraction();
        return new LoopConfig(effectiveMaxEpochs(), minEpochs, maxSteps, minSteps, checkValEveryNEpoch, interval,
                numSanityValSteps, fastDevRun, accumulateGradBatches, logEveryNSteps);
    }

    /** A builder holding Lightning's defaults; {@link Builder#build()} resolves min_epochs/min_steps and fast_dev_run. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * These settings as {@code fast_dev_run=batches} changes them: one epoch of {@code batches} batches of every
     * loop, validation after it, no sanity check, no checkpoints, logging every step.
     */
    public TrainerSettings withFastDevRun(int batches) {
        BatchLimit n = BatchLimit.count(batches);
        return new TrainerSettings(1, 0, batches, 0, maxTime, n, n, n, n, BatchLimit.ALL, 1, 0, batches,
                accumulateGradBatches, gradientClipVal, gradientClipAlgorithm, deterministic, seed, defaultRootDir,
                false, enableProgressBar, enableModelSummary, 1, detectAnomaly, engine, useDistributedSampler);
    }

    /**
     * These settings as a tuner's trial fit uses them (Lightning's {@code lr_find} / {@code scale_batch_size}):
     * at most {@code maxSteps} steps, no validation or sanity check, no checkpoints, summary or progress bar, and no
     * minimum that would keep a stop request waiting.
     */
    public TrainerSettings forTuning(long maxSteps) {
        return new TrainerSettings(maxEpochs, 0, maxSteps, 0, null, limitTrainBatches, BatchLimit.count(0),
                limitTestBatches, limitPredictBatches, valCheckInterval, checkValEveryNEpoch, 0, fastDevRun,
                accumulateGradBatches, gradientClipVal, gradientClipAlgorithm, deterministic, seed, defaultRootDir,
                false, false, false, logEveryNSteps, detectAnomaly, engine, useDistributedSampler);
    }

    /** These settings on the DJL engine named {@code djlName} (the engine request resolved to its provider). */
    public TrainerSettings withEngine(String djlName) {
        return new TrainerSettings(maxEpochs, minEpochs, maxSteps, minSteps, maxTime, limitTrainBatches,
                limitValBatches, limitTestBatches, limitPredictBatches, valCheckInterval, checkValEveryNEpoch,
                numSanityValSteps, fastDevRun, accumulateGradBatches, gradientClipVal, gradientClipAlgorithm,
                deterministic, seed, defaultRootDir, enableCheckpointing, enableProgressBar, enableModelSummary,
                logEveryNSteps, detectAnomaly, Objects.requireNonNull(djlName, "djlName"), useDistributedSampler);
    }

    /** Collects and validates the arguments, with Lightning's defaults; not thread-safe. */
    public static final class Builder {
        private Integer maxEpochs;
        private Integer minEpochs;
        private long maxSteps = -1;
        private Long minSteps;
        private Duration maxTime;
        private BatchLimit limitTrain = BatchLimit.ALL;
        private BatchLimit limitVal = BatchLimit.ALL;
        private BatchLimit limitTest = BatchLimit.ALL;
        private BatchLimit limitPredict = BatchLimit.ALL;
        private BatchLimit valCheckInterval = BatchLimit.ALL;
        private Integer checkValEveryNEpoch = 1;
        private int numSanityValSteps = 2;
        private int fastDevRun;
        private int accumulateGradBatches = 1;
        private double gradientClipVal;
        private ClipAlgorithm gradientClipAlgorithm = ClipAlgorithm.NORM;
        private boolean deterministic;
        private Long seed;
        private Path defaultRootDir;
        private boolean enableCheckpointing = true;
        private boolean enableProgressBar = true;
        private boolean enableModelSummary = true;
        private int logEveryNSteps = 50;
        private boolean detectAnomaly;
        private String engine = "PyTorch";
        private boolean useDistributedSampler = true;

        private Builder() {}

        public Builder maxEpochs(int value) {
            if (value < -1) {
                throw new IllegalArgumentException("maxEpochs must be >= -1, got " + value);
            }
            this.maxEpochs = value;
            return this;
        }

        public Builder minEpochs(int value) {
            this.minEpochs = nonNegative(value, "minEpochs");
            return this;
        }

        public Builder maxSteps(long value) {
            if (value < -1) {
                throw new IllegalArgumentException("maxSteps must be >= -1, got " + value);
            }
            this.maxSteps = value;
            return this;
        }

        public Builder minSteps(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("minSteps must be >= 0, got " + value);
            }
            this.minSteps = value;
            return this;
        }

        public Builder maxTime(Duration value) {
            this.maxTime = Objects.requireNonNull(value, "maxTime");
            return this;
        }

        public Builder limitTrainBatches(BatchLimit value) {
            this.limitTrain = Objects.requireNonNull(value, "limitTrainBatches");
            return this;
        }

        public Builder limitValBatches(BatchLimit value) {
            this.limitVal = Objects.requireNonNull(value, "limitValBatches");
            return this;
        }

        public Builder limitTestBatches(BatchLimit value) {
            this.limitTest = Objects.requireNonNull(value, "limitTestBatches");
            return this;
        }

        public Builder limitPredictBatches(BatchLimit value) {
            this.limitPredict = Objects.requireNonNull(value, "limitPredictBatches");
            return this;
        }

        public Builder valCheckInterval(int batches) {
            if (batches <= 0) {
                throw new IllegalArgumentException("valCheckInterval must be positive, got " + batches);
            }
            this.valCheckInterval = BatchLimit.count(batches);
            return this;
        }

        public Builder valCheckInterval(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("valCheckInterval fraction must be in (0, 1], got " + fraction);
            }
            this.valCheckInterval = BatchLimit.fraction(fraction);
            return this;
        }

        public Builder checkValEveryNEpoch(Integer value) {
            if (value != null && value <= 0) {
                throw new IllegalArgumentException("checkValEveryNEpoch must be positive or null, got " + value);
            }
            this.checkValEveryNEpoch = value;
            return this;
        }

        public Builder numSanityValSteps(int value) {
            if (value < -1) {
                throw new IllegalArgumentException("numSanityValSteps must be >= -1, got " + value);
            }
            this.numSanityValSteps = value;
            return this;
        }

        public Builder fastDevRun(int batches) {
            this.fastDevRun = nonNegative(batches, "fastDevRun");
            return this;
        }

        public Builder accumulateGradBatches(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("accumulateGradBatches must be positive, got " + value);
            }
            this.accumulateGradBatches = value;
            return this;
        }

        public Builder gradientClipVal(double value) {
            if (value < 0) {
                throw new IllegalArgumentException("gradientClipVal must be >= 0, got " + value);
            }
            this.gradientClipVal = value;
            return this;
        }

        public Builder gradientClipAlgorithm(String value) {
            try {
                this.gradientClipAlgorithm = ClipAlgorithm.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gradient_clip_algorithm '" + value + "' is unknown; use 'norm' or "
                        + "'value'", e);
            }
            return this;
        }

        public Builder deterministic(boolean value) {
            this.deterministic = value;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder defaultRootDir(Path value) {
            this.defaultRootDir = Objects.requireNonNull(value, "defaultRootDir");
            return this;
        }

        public Builder enableCheckpointing(boolean value) {
            this.enableCheckpointing = value;
            return this;
        }

        public Builder enableProgressBar(boolean value) {
            this.enableProgressBar = value;
            return this;
        }

        public Builder enableModelSummary(boolean value) {
            this.enableModelSummary = value;
            return this;
        }

        public Builder logEveryNSteps(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("logEveryNSteps must be positive, got " + value);
            }
            this.logEveryNSteps = value;
            return this;
        }

        public Builder detectAnomaly(boolean value) {
            this.detectAnomaly = value;
            return this;
        }

        public Builder useDistributedSampler(boolean value) {
            this.useDistributedSampler = value;
            return this;
        }

        public Builder engine(String value) {
            this.engine = Objects.requireNonNull(value, "engine");
            return this;
        }

        /** The settings; the root directory defaults to the working directory. */
        public TrainerSettings build() {
            Path root = defaultRootDir != null ? defaultRootDir : Path.of("").toAbsolutePath();
            TrainerSettings s = new TrainerSettings(maxEpochs, minEpochs != null ? minEpochs : 0, maxSteps,
                    minSteps != null ? minSteps : 0, maxTime, limitTrain, limitVal, limitTest, limitPredict,
                    valCheckInterval, checkValEveryNEpoch, numSanityValSteps, 0, accumulateGradBatches,
                    gradientClipVal, gradientClipAlgorithm, deterministic, seed, root, enableCheckpointing,
                    enableProgressBar, enableModelSummary, logEveryNSteps, detectAnomaly, engine, useDistributedSampler);
            return fastDevRun > 0 ? s.withFastDevRun(fastDevRun) : s;
        }

        private static int nonNegative(int v, String what) {
            if (v < 0) {
                throw new IllegalArgumentException(what + " must be >= 0, got " + v);
            }
            return v;
        }
    }
}
