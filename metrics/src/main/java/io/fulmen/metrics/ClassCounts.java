package io.fulmen.metrics;

/**
 * Per-class true positives, false positives and false negatives, and the number of samples (rows); true negatives
 * follow as samples - tp - fp - fn, since every row is exactly one of the four for each class.
 */
final class ClassCounts {
    private final Tally tp;
    private final Tally fp;
    private final Tally fn;
    private final Tally samples;

    ClassCounts(Tally tp, Tally fp, Tally fn, Tally samples) {
        this.tp = tp;
        this.fp = fp;
        this.fn = fn;
        this.samples = samples;
    }

    int classes() {
        return tp.size();
    }

    double tp(int c) {
        return tp.get(c);
    }

    double fp(int c) {
        return fp.get(c);
    }

    double fn(int c) {
        return fn.get(c);
    }

    double tn(int c) {
        return samples.get(0) - tp.get(c) - fp.get(c) - fn.get(c);
    }

    double samples() {
        return samples.get(0);
    }

    /** One class per row (multiclass). */
    void addClasses(int[] predicted, int[] target) {
        for (int i = 0; i < target.length; i++) {
            if (predicted[i] == target[i]) {
                tp.increment(target[i]);
            } else {
                fp.increment(predicted[i]);
                fn.increment(target[i]);
            }
        }
        samples.accumulate(0, target.length);
    }

    /** A hit when the target's score is among the {@code k} highest of its row (ties count as hits). */
    void addTopK(double[] scores, int[] target, int k) {
        int width = classes();
        for (int r = 0; r < target.length; r++) {
            int at = r * width;
            double own = scores[at + target[r]];
            int higher = 0;
            for (int c = 0; c < width; c++) {
                if (scores[at + c] > own) {
                    higher++;
                }
            }
            if (higher < k) {
                tp.increment(target[r]);
            } else {
                fn.increment(target[r]);
            }
        }
        samples.accumulate(0, target.length);
    }

    /** 0/1 decisions, {@code classes()} per row (binary: one class, the positive one; multilabel: one per label). */
    void addDecisions(int[] predicted, int[] target) {
        int width = classes();
        for (int i = 0; i < target.length; i++) {
            int c = i % width;
            if (predicted[i] == 1) {
                if (target[i] == 1) {
                    tp.increment(c);
                } else {
                    fp.increment(c);
                }
            } else if (target[i] == 1) {
                fn.increment(c);
            }
        }
        samples.accumulate(0, target.length / width);
    }
}
