package io.fulmen.pyformat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The decimal text of a finite float {@code a >= 0} as CPython's {@code PyOS_double_to_string} writes it, without
 * sign: fixed, scientific and general notation round the exact binary value half-even (so {@code 0.125} is
 * {@code 0.12} at two decimals, as in Python, where Java's {@code String.format} gives {@code 0.13}), and
 * {@link #shortest} finds the shortest digits that read back as the same double (Python's {@code repr}, which
 * {@link Double#toString} does not always give before Java 19).
 */
final class PyFloatDigits {
    private PyFloatDigits() {}

    /** {@code 'f'}: {@code decimals} digits after the point; with {@code alt} a point even when there are none. */
    static String fixed(double a, int decimals, boolean alt) {
        String out = new BigDecimal(a).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return decimals == 0 && alt ? out + "." : out;
    }

    /** {@code 'e'}: {@code d.ddde+XX}; {@code strip} drops trailing zeros of the fraction unless {@code alt}. */
    static String scientific(double a, int decimals, boolean alt, boolean strip) {
        String digits;
        int exponent;
        if (a == 0) {
            digits = "0".repeat(decimals + 1);
            exponent = 0;
        } else {
            BigDecimal rounded = round(a, decimals + 1);
            digits = digits(rounded, decimals + 1);
            exponent = exponent(rounded);
        }
        String fraction = digits.substring(1);
        if (strip && !alt) {
            fraction = fraction.replaceAll("0+$", "");
        }
        return mantissa(digits.substring(0, 1), fraction, alt) + exponentSuffix(exponent);
    }

    /** {@code 'g'} with {@code p} significant digits (and, with {@code addDot0}, the no-type format with one). */
    static String general(double a, int p, boolean alt, boolean addDot0) {
        int exponent = a == 0 ? 0 : exponent(round(a, p));
        // the no-type format switches to the exponent one digit earlier, so that its ".0" fits in p digits
        boolean useExp = exponent < -4 || exponent >= (addDot0 ? p - 1 : p);
        String out;
        if (useExp) {
            out = scientific(a, p - 1, alt, true);
        } else {
            out = fixed(a, Math.max(p - 1 - exponent, 0), false);
            if (!alt && out.indexOf('.') >= 0) {
                out = out.replaceAll("0+$", "");
                if (out.endsWith(".")) {
                    out = out.substring(0, out.length() - 1);
                }
            } else if (alt && out.indexOf('.') < 0) {
                out += ".";
            }
        }
        if (addDot0 && out.indexOf('.') < 0 && out.indexOf('e') < 0) {
            out += ".0";
        }
        return out;
    }

    /**
     * Python's {@code repr(float)} of {@code a >= 0}: the shortest digits that read back as {@code a}, in exponent
     * form below 1e-4 and from 1e16, else with at least one decimal ({@code 100.0}); {@code alt} writes a point
     * after a lone mantissa digit ({@code 1.e+16}), as {@code format(x, '#')} does.
     */
    static String shortest(double a, boolean alt) {
        if (a == 0) {
            return "0.0";
        }
        BigDecimal d = shortestDecimal(a).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = exponent(d);
        if (exponent < -4 || exponent >= 16) {
            return mantissa(digits.substring(0, 1), digits.substring(1), alt) + exponentSuffix(exponent);
        }
        if (exponent < 0) {
            return "0." + "0".repeat(-exponent - 1) + digits;
        }
        if (digits.length() <= exponent + 1) {
            return digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
        }
        return digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code a}, the one nearest to {@code a}
     * among those. Reading back as {@code a} gets no harder with more digits, so the count is found by bisection;
     * for one count only the nearest decimal and its neighbours on either side can read back.
     */
    private static BigDecimal shortestDecimal(double a) {
        BigDecimal exact = new BigDecimal(a);
        int low = 1;
        int high = 17; // 17 significant digits always read back
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (nearestReadingBack(exact, a, mid) != null) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return nearestReadingBack(exact, a, low);
    }

    private static BigDecimal nearestReadingBack(BigDecimal exact, double a, int digits) {
        BigDecimal nearest = round(exact, digits);
        if (nearest.doubleValue() == a) {
            return nearest;
        }
        BigDecimal unit = nearest.ulp();
        // below a power of ten the spacing of `digits`-digit decimals is a tenth of the unit above it
        BigDecimal[] neighbours = {nearest.add(unit), nearest.subtract(unit),
            nearest.subtract(unit.movePointLeft(1))};
        BigDecimal best = null;
        for (BigDecimal candidate : neighbours) {
            if (candidate.signum() > 0 && candidate.stripTrailingZeros().precision() <= digits
                    && candidate.doubleValue() == a
                    && (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                best = candidate;
            }
        }
        return best;
    }

    private static BigDecimal round(double a, int digits) {
        return round(new BigDecimal(a), digits);
    }

    private static BigDecimal round(BigDecimal exact, int digits) {
        return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
    }

    /** The power of ten of the leading digit. */
    private static int exponent(BigDecimal d) {
        return d.precision() - d.scale() - 1;
    }

    /** The first {@code count} significant digits of {@code d}, padded with zeros. */
    private static String digits(BigDecimal d, int count) {
        StringBuilder out = new StringBuilder(d.unscaledValue().toString());
        while (out.length() < count) {
            out.append('0');
        }
        return out.substring(0, count);
    }

    private static String mantissa(String lead, String fraction, boolean alt) {
        return !fraction.isEmpty() ? lead + "." + fraction : alt ? lead + "." : lead;
    }

    private static String exponentSuffix(int exponent) {
        int abs = Math.abs(exponent);
        return "e" + (exponent < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
    }
}
