package io.fulmen.optim;

import org.apiguardian.api.API;
import java.util.Arrays;

/** PyTorch's learning-rate schedules as {@link LrScheduler}s (closed forms of {@code torch.optim.lr_scheduler}). */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class Schedules {
    private Schedules() {}

    /** {@code StepLR}: multiply by {@code gamma} every {@code stepSize} steps. */
    public static LrScheduler step(int stepSize, float gamma) {
        positive(stepSize, "stepSize");
        return named("StepLR", (k, base) -> (float) (base * Math.pow(gamma, k / stepSize)));
    }

    /** {@code MultiStepLR}: multiply by {@code gamma} at each milestone. */
    public static LrScheduler multiStep(float gamma, int... milestones) {
        int[] sorted = milestones.clone();
        Arrays.sort(sorted);
        return named("MultiStepLR", (k, base) -> {
            int passed = 0;
            for (int m : sorted) {
                if (k >= m) {
                    passed++;
                }
            }
            return (float) (base * Math.pow(gamma, passed));
        });
    }

    /** {@code ExponentialLR}: multiply by {@code gamma} every step. */
    public static LrScheduler exponential(float gamma) {
        return named("ExponentialLR", (k, base) -> (float) (base * Math.pow(gamma, k)));
    }

    /** {@code CosineAnnealingLR}: half a cosine from the base rate to {@code etaMin} over {@code tMax} steps. */
    public static LrScheduler cosine(int tMax, float etaMin) {
        positive(tMax, "tMax");
        return named("CosineAnnealingLR",
                (k, base) -> (float) (etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * k / tMax)) / 2));
    }

    /** {@code LinearLR}: factor moves linearly from {@code startFactor} to {@code endFactor} over {@code totalIters}. */
    public static LrScheduler linear(float startFactor, float endFactor, int totalIters) {
        positive(totalIters, "totalIters");
        return named("LinearLR", (k, base) -> {
            double f = startFactor + (endFactor - startFactor) * Math.min(k, totalIters) / (double) totalIters;
            return (float) (base * f);
        });
    }

    /** {@code PolynomialLR}: decays to 0 as {@code (1 - k/totalIters)^power}. */
    public static LrScheduler polynomial(int totalIters, float power) {
        positive(totalIters, "totalIters");
        return named("PolynomialLR", (k, base) ->
                (float) (base * Math.pow(1.0 - Math.min(k, totalIters) / (double) totalIters, power)));
    }

    /**
     * Linear warm-up from {@code startFactor × base} to the base rate over {@code warmupSteps}, then {@code then}
     * counted from the end of the warm-up ({@code SequentialLR(LinearLR, then)}).
     */
    public static LrScheduler warmup(int warmupSteps, float startFactor, LrScheduler then) {
        positive(warmupSteps, "warmupSteps");
        return named("Warmup+" + then.name(), (k, base) -> k < warmupSteps
                ? (float) (base * (startFactor + (1 - startFactor) * k / (double) warmupSteps))
                : then.learningRate(k - warmupSteps, base));
    }

    /**
     * {@code OneCycleLR} (cosine annealing): from {@code maxLr/divFactor} up to {@code maxLr} over
     * {@code pctStart} of {@code totalSteps}, then down to {@code maxLr/(divFactor*finalDivFactor)}. The optimizer's
     * own rate is ignored, as in PyTorch.
     */
    public static LrScheduler oneCycle(float maxLr, int totalSteps, float pctStart, float divFactor,
                                       float finalDivFactor) {
        positive(totalSteps, "totalSteps");
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        double upEnd = pctStart * totalSteps - 1;
        double downEnd = totalSteps - 1;
        return named("OneCycleLR", (k, base) -> {
            if (k <= upEnd) {
                return (float) cosineBetween(initial, maxLr, upEnd <= 0 ? 1 : k / upEnd);
            }
            return (float) cosineBetween(maxLr, min, Math.min(1, (k - upEnd) / (downEnd - upEnd)));
        });
    }

    /** {@code OneCycleLR} with PyTorch's defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4. */
    public static LrScheduler oneCycle(float maxLr, int totalSteps) {
        return oneCycle(maxLr, totalSteps, 0.3f, 25f, 1e4f);
    }

    private static double cosineBetween(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }

    private static void positive(int v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }

    private static LrScheduler named(String name, LrScheduler f) {
        return new LrScheduler() {
            @Override
            public float learningRate(long count, float baseLr) {
                return f.learningRate(count, baseLr);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
