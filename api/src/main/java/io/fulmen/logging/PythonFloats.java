package io.fulmen.logging;

import java.math.BigDecimal;

/**
 * Writes doubles the way Python's {@code repr(float)} does ({@code 0.001}, {@code 1e-05}, {@code 100.0},
 * {@code nan}), so files written by Fulmen read like the ones Lightning writes and parse back to the same double.
 */
public final class PythonFloats {
    private PythonFloats() {}

    /** Python's {@code repr(value)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0.0) {
            return (1.0 / value < 0) ? "-0.0" : "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder(24);
        if (value < 0) {
            out.append('-');
        }
        if (exponent < -4 || exponent >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (exponent >= 0) {
            if (digits.length() <= exponent + 1) {
                out.append(digits);
                out.append("0".repeat(exponent + 1 - digits.length()));
                out.append(".0");
            } else {
                out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
            }
        } else {
            out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
        }
        return out.toString();
    }

    /** Integral values of counters such as {@code step} and {@code epoch} without a fraction, as Lightning writes ints. */
    public static String reprCounter(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return repr(value);
    }
}
