package io.fulmen.pyformat;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Ints and floats under a parsed {@link PyFormatSpec}: the digits come from {@link PyFloatDigits} (floats) or
 * {@link BigInteger} (ints), then sign, prefix, grouping and padding are laid out as CPython's
 * {@code calc_number_widths} does, including zero padding that is grouped too ({@code format(1234, '010,')} is
 * {@code 00,001,234}).
 */
final class PyNumberFormat {
    private PyNumberFormat() {}

    /** The int types {@code b c d o x X n}. */
    static String formatInt(BigInteger v, PyFormatSpec s) {
        if (s.precision >= 0) {
            throw new IllegalArgumentException("Precision not allowed in integer format specifier");
        }
        if (s.noNegativeZero) {
            throw new IllegalArgumentException("Negative zero coercion (z) not allowed in integer format specifier");
        }
        if (s.type == 'c') {
            return formatChar(v, s);
        }
        int radix = s.type == 'b' ? 2 : s.type == 'o' ? 8 : (s.type == 'x' || s.type == 'X') ? 16 : 10;
        String digits = v.abs().toString(radix);
        String prefix = "";
        if (s.alternate && radix != 10) {
            prefix = s.type == 'b' ? "0b" : s.type == 'o' ? "0o" : "0x";
        }
        if (s.type == 'X') {
            digits = digits.toUpperCase(Locale.ROOT);
            prefix = prefix.toUpperCase(Locale.ROOT);
        }
        return layout(s, v.signum() < 0, prefix, digits, false, "");
    }

    private static String formatChar(BigInteger v, PyFormatSpec s) {
        if (s.sign != 0) {
            throw new IllegalArgumentException("Sign not allowed with integer format specifier 'c'");
        }
        if (s.alternate) {
            throw new IllegalArgumentException("Alternate form (#) not allowed with integer format specifier 'c'");
        }
        if (v.bitLength() > 63) {
            throw new IllegalArgumentException("Python int too large to convert to C long");
        }
        long code = v.longValue();
        if (code < 0 || code > Character.MAX_CODE_POINT) {
            throw new IllegalArgumentException("%c arg not in range(0x110000)");
        }
        // the character is laid out like the part after a number's digits: never grouped or zero-padded inside
        return layout(s, false, "", "", false, new String(Character.toChars((int) code)));
    }

    /** The float types {@code e E f F g G n %} and none. */
    static String formatFloat(double x, PyFormatSpec s) {
        int type = s.type;
        boolean upper = type == 'E' || type == 'F' || type == 'G';
        boolean percent = type == '%';
        double a = Math.abs(x);
        if (percent) {
            a *= 100; // in double arithmetic, as Python multiplies before formatting
        }
        int p = s.precision;
        String text;
        if (Double.isNaN(a) || Double.isInfinite(a)) {
            text = Double.isNaN(a) ? "nan" : "inf";
        } else {
            switch (type) {
                case 'f': case 'F': case '%':
                    text = PyFloatDigits.fixed(a, p < 0 ? 6 : p, s.alternate);
                    break;
                case 'e': case 'E':
                    text = PyFloatDigits.scientific(a, p < 0 ? 6 : p, s.alternate, false);
                    break;
                case 'g': case 'G': case 'n':
                    text = PyFloatDigits.general(a, p < 0 ? 6 : Math.max(p, 1), s.alternate, false);
                    break;
                default: // none: repr, or 'g' keeping a ".0" with a precision
                    text = p < 0 ? PyFloatDigits.shortest(a, s.alternate)
                            : PyFloatDigits.general(a, Math.max(p, 1), s.alternate, true);
                    break;
            }
        }
        if (upper) {
            text = text.toUpperCase(Locale.ROOT);
        }
        // Python never writes a sign on nan; z drops it where the rounded value is zero
        boolean negative = !Double.isNaN(x) && (x < 0 || (x == 0 && 1 / x < 0))
                && !(s.noNegativeZero && Double.isFinite(x) && isZero(text));
        int digitsEnd = 0;
        while (digitsEnd < text.length() && Character.isDigit(text.charAt(digitsEnd))) {
            digitsEnd++;
        }
        boolean hasDecimal = digitsEnd < text.length() && text.charAt(digitsEnd) == '.';
        String rest = text.substring(hasDecimal ? digitsEnd + 1 : digitsEnd) + (percent ? "%" : "");
        return layout(s, negative, "", text.substring(0, digitsEnd), hasDecimal, rest);
    }

    private static boolean isZero(String text) {
        int end = text.indexOf('e') >= 0 ? text.indexOf('e') : text.length();
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '1' && c <= '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code [padding] sign prefix [padding] digits [.] rest [padding]}: the digits grouped, and with {@code '0'}
     * fill and {@code '='} alignment zero-padded to the width inside the grouping.
     */
    private static String layout(PyFormatSpec s, boolean negative, String prefix, String digits,
                                 boolean hasDecimal, String rest) {
        String sign = negative ? "-" : s.sign == '+' ? "+" : s.sign == ' ' ? " " : "";
        String right = (hasDecimal ? "." : "") + rest;
        int others = sign.length() + prefix.length() + right.length();
        int minWidth = s.fill == '0' && s.align == '=' ? s.width - others : 0;
        char separator = s.type == 'n' ? 0 : s.grouping;
        int groupSize = s.type == 'b' || s.type == 'o' || s.type == 'x' || s.type == 'X' ? 4 : 3;
        String grouped = digits.isEmpty() ? "" : group(digits, minWidth, separator, groupSize);
        return s.pad(sign + prefix, grouped, right, s.width - others - grouped.length());
    }

    /**
     * The digits with a separator every {@code size} from the right (none when {@code separator} is 0), led by
     * zeros up to {@code minWidth} characters; a separator never leads, so the result may be one longer.
     */
    static String group(String digits, int minWidth, char separator, int size) {
        if (separator == 0) {
            return "0".repeat(Math.max(0, minWidth - digits.length())) + digits;
        }
        StringBuilder reversed = new StringBuilder();
        int remaining = digits.length();
        while (true) {
            int take = Math.min(size, Math.max(Math.max(remaining, minWidth), 1));
            int chars = Math.min(remaining, take);
            if (reversed.length() > 0) {
                reversed.append(separator);
            }
            for (int i = 1; i <= chars; i++) {
                reversed.append(digits.charAt(remaining - i));
            }
            reversed.append("0".repeat(take - chars));
            remaining -= chars;
            minWidth -= take;
            if (remaining <= 0 && minWidth <= 0) {
                return reversed.reverse().toString();
            }
            minWidth -= 1; // the separator
        }
    }
}
