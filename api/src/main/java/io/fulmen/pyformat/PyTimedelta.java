package io.fulmen.pyformat;

import org.apiguardian.api.API;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code str()} and {@code repr()} of a {@code datetime.timedelta}, for a {@link Duration}. A timedelta
 * counts whole microseconds, so nanoseconds below a microsecond are dropped (rounding toward negative infinity),
 * and it normalises to days, seconds of the day and microseconds with only the days negative:
 * {@code -1 second} is {@code -1 day, 23:59:59}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class PyTimedelta {
    private static final long SECONDS_PER_DAY = 86_400L;

    private PyTimedelta() {}

    /**
     * Python's {@code str(timedelta)}: {@code 1:00:00}, {@code 0:00:00.000001}, {@code 2 days, 0:00:05.500000}.
     *
     * @param duration the duration, within a timedelta's range of ±999,999,999 days
     * @return Python's text for it
     */
    public static String str(Duration duration) {
        long[] t = normalise(duration);
        long hours = t[1] / 3600;
        long minutes = t[1] % 3600 / 60;
        long seconds = t[1] % 60;
        String clock = String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, seconds);
        if (t[2] != 0) {
            clock += String.format(Locale.ROOT, ".%06d", t[2]);
        }
        if (t[0] != 0) {
            return t[0] + " day" + (Math.abs(t[0]) != 1 ? "s" : "") + ", " + clock;
        }
        return clock;
    }

    /**
     * Python's {@code repr(timedelta)}: {@code datetime.timedelta(days=1, seconds=5)} with zero fields left out,
     * {@code datetime.timedelta(0)} for zero.
     *
     * @param duration the duration, within a timedelta's range of ±999,999,999 days
     * @return Python's text for it
     */
    public static String repr(Duration duration) {
        long[] t = normalise(duration);
        List<String> parts = new ArrayList<>();
        if (t[0] != 0) {
            parts.add("days=" + t[0]);
        }
        if (t[1] != 0) {
            parts.add("seconds=" + t[1]);
        }
        if (t[2] != 0) {
            parts.add("microseconds=" + t[2]);
        }
        return "datetime.timedelta(" + (parts.isEmpty() ? "0" : String.join(", ", parts)) + ")";
    }

    /** days, seconds and microseconds as a timedelta holds them. */
    private static long[] normalise(Duration d) {
        // Duration keeps a non-negative nanosecond part, so only the seconds need flooring
        return new long[] {Math.floorDiv(d.getSeconds(), SECONDS_PER_DAY), Math.floorMod(d.getSeconds(),
                SECONDS_PER_DAY), d.getNano() / 1000};
    }
}
