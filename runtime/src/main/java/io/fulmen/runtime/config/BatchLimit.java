package io.fulmen.runtime.config;

import org.apiguardian.api.API;

/**
 * Lightning's {@code limit_*_batches} and {@code val_check_interval}: a count of batches, or a fraction of the
 * loader's length.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public record BatchLimit(long count, double fraction) {
    /** Every batch. */
    public static final BatchLimit ALL = new BatchLimit(-1, 1.0);

    public static BatchLimit count(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("a batch count must be >= 0, got " + n);
        }
        return new BatchLimit(n, Double.NaN);
    }

    public static BatchLimit fraction(double f) {
        if (!(f >= 0.0 && f <= 1.0)) {
            throw new IllegalArgumentException("a batch fraction must be in [0.0, 1.0], got " + f
                    + "; pass an int to name a count of batches");
        }
        return new BatchLimit(-1, f);
    }

    public boolean isCount() {
        return count >= 0;
    }

    /** The number of batches out of {@code available}; fails when a fraction leaves none of a non-empty loader. */
    public long of(long available, String what) {
        if (isCount()) {
            return Math.min(count, available);
        }
        long n = (long) (available * fraction);
        if (n == 0 && fraction > 0 && available > 0) {
            throw new IllegalArgumentException(what + "=" + fraction + " of " + available + " batches is less than one"
                    + " batch: use a larger fraction or a count such as 1");
        }
        return n;
    }

    @Override
    public String toString() {
        return isCount() ? Long.toString(count) : Double.toString(fraction);
    }
}
