package io.fulmen.metrics;

import java.util.Arrays;

/**
 * The area under the ROC curve of one binary problem as the probability that a positive outscores a negative, ties
 * counting one half (the Mann-Whitney statistic): the same number as the trapezoids under sklearn's ROC curve, whose
 * tied scores form one threshold. NaN when the targets hold one class only.
 */
final class RankAuc {
    private RankAuc() {}

    /** The AUC of {@code scores[offset + i * stride]} against {@code positive[offset + i * stride]}, i &lt; n. */
    static double of(double[] scores, double[] positive, int offset, int stride, int n) {
        int positives = 0;
        for (int i = 0; i < n; i++) {
            if (positive[offset + i * stride] == 1) {
                positives++;
            }
        }
        double[] pos = new double[positives];
        double[] neg = new double[n - positives];
        int p = 0;
        int q = 0;
        for (int i = 0; i < n; i++) {
            int at = offset + i * stride;
            if (positive[at] == 1) {
                pos[p++] = scores[at];
            } else {
                neg[q++] = scores[at];
            }
        }
        if (pos.length == 0 || neg.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double wins = 0;
        int below = 0;
        int notAbove = 0;
        for (double s : pos) {
            while (below < neg.length && neg[below] < s) {
                below++;
            }
            notAbove = Math.max(notAbove, below);
            while (notAbove < neg.length && neg[notAbove] == s) {
                notAbove++;
            }
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) pos.length * neg.length);
    }
}
