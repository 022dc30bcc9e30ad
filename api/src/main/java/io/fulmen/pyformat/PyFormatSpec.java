package io.fulmen.pyformat;

import org.apiguardian.api.API;
import java.math.BigInteger;

/**
 * Python's format-spec mini-language ({@code [[fill]align][sign][z][#][0][width][grouping][.precision][type]}) and
 * the built-in {@code format(value, spec)} that applies it, as CPython 3.11 does: fill, the alignments
 * {@code < > ^ =}, the signs {@code + - space}, {@code z}, {@code #}, {@code 0}, width, the groupings {@code ,} and
 * {@code _}, precision, and the types {@code b c d o x X n} for ints, {@code e E f F g G n %} for ints and floats,
 * {@code s} for strings ({@code n} as in the C locale).
 *
 * <p>Java values map to Python's types as in {@link PyRepr}: {@link Long}, {@link Integer}, {@link Short},
 * {@link Byte}, {@link BigInteger} and the atomic ones are ints, every other {@link Number} a float (its
 * {@code doubleValue()}), {@link Boolean} a bool, {@link CharSequence} and {@link Character} a str. A spec Python rejects is rejected with
 * Python's message in an {@link IllegalArgumentException}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class PyFormatSpec {
    private static final String ALIGNMENTS = "<>=^";

    final int fill;           // a code point
    final char align;         // after the defaults for the value's type
    final char sign;          // 0 when none was given
    final boolean noNegativeZero;
    final boolean alternate;
    final int width;          // -1 when none was given
    final char grouping;      // 0, ',' or '_'
    final int precision;      // -1 when none was given
    final int type;           // a code point; the type's default when none was given

    private PyFormatSpec(int fill, char align, char sign, boolean noNegativeZero, boolean alternate, int width,
                         char grouping, int precision, int type) {
        this.fill = fill;
        this.align = align;
        this.sign = sign;
        this.noNegativeZero = noNegativeZero;
        this.alternate = alternate;
        this.width = width;
        this.grouping = grouping;
        this.precision = precision;
        this.type = type;
    }

    /**
     * Python's {@code format(value, spec)}.
     *
     * @param value an int, float, bool or str as described in the class comment; null is Python's {@code None},
     *              and any other object formats as {@link PyRepr#str(Object)} when {@code spec} is empty
     * @param spec  the format spec, without the braces and the colon of a template field
     * @return the formatted text
     * @throws IllegalArgumentException when Python would raise, with Python's message
     */
    public static String format(Object value, String spec) {
        if (value instanceof Boolean b) {
            return spec.isEmpty() ? PyRepr.str(b) : formatInt(BigInteger.valueOf(b ? 1 : 0), spec, "bool");
        }
        if (value instanceof Number n) {
            if (PyRepr.isInt(n)) {
                return spec.isEmpty() ? n.toString() : formatInt(PyRepr.bigInteger(n), spec, "int");
            }
            return spec.isEmpty() ? PyRepr.repr(n.doubleValue()) : formatFloat(n.doubleValue(), spec);
        }
        if (value instanceof CharSequence || value instanceof Character) {
            String s = value.toString();
            return spec.isEmpty() ? s : formatString(s, parse(spec, "str", 's', '<'));
        }
        if (spec.isEmpty()) {
            return PyRepr.str(value);
        }
        // Python's object.__format__ takes only the empty spec
        throw new IllegalArgumentException("unsupported format string passed to "
                + (value == null ? "NoneType" : value.getClass().getSimpleName()) + ".__format__");
    }

    private static String formatInt(BigInteger value, String spec, String typeName) {
        PyFormatSpec s = parse(spec, typeName, 'd', '>');
        switch (s.type) {
            case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
                return PyNumberFormat.formatInt(value, s);
            case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
                return PyNumberFormat.formatFloat(value.doubleValue(), s);
            default:
                throw unknownType(s.type, typeName);
        }
    }

    private static String formatFloat(double value, String spec) {
        PyFormatSpec s = parse(spec, "float", 0, '>');
        switch (s.type) {
            case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
                return PyNumberFormat.formatFloat(value, s);
            default:
                throw unknownType(s.type, "float");
        }
    }

    private static String formatString(String value, PyFormatSpec s) {
        if (s.type != 's') {
            throw unknownType(s.type, "str");
        }
        if (s.sign == ' ') {
            throw new IllegalArgumentException("Space not allowed in string format specifier");
        }
        if (s.sign != 0) {
            throw new IllegalArgumentException("Sign not allowed in string format specifier");
        }
        if (s.noNegativeZero) {
            throw new IllegalArgumentException("Negative zero coercion (z) not allowed in string format specifier");
        }
        if (s.alternate) {
            throw new IllegalArgumentException("Alternate form (#) not allowed in string format specifier");
        }
        if (s.align == '=') {
            throw new IllegalArgumentException("'=' alignment not allowed in string format specifier");
        }
        int length = value.codePointCount(0, value.length());
        if (s.precision >= 0 && length > s.precision) {
            value = value.substring(0, value.offsetByCodePoints(0, s.precision));
            length = s.precision;
        }
        return s.pad("", value, "", s.width - length);
    }

    /**
     * {@code left + body + right} padded with the fill to {@code padding} more characters: before, around or
     * after everything, or between {@code left} (sign and prefix) and {@code body} for {@code '='}.
     */
    String pad(String left, String body, String right, int padding) {
        if (padding <= 0) {
            return left + body + right;
        }
        String fillText = new String(Character.toChars(fill));
        switch (align) {
            case '<':
                return left + body + right + fillText.repeat(padding);
            case '^':
                return fillText.repeat(padding / 2) + left + body + right + fillText.repeat(padding - padding / 2);
            case '=':
                return left + fillText.repeat(padding) + body + right;
            default:
                return fillText.repeat(padding) + left + body + right;
        }
    }

    /**
     * Parses {@code spec} as Python does for a value of {@code typeName}, whose type code is {@code defaultType}
     * (0 for none) and alignment {@code defaultAlign} when the spec gives none.
     */
    static PyFormatSpec parse(String spec, String typeName, int defaultType, char defaultAlign) {
        int[] c = spec.codePoints().toArray();
        int n = c.length;
        int i = 0;
        int fill = ' ';
        boolean fillGiven = false;
        char align = defaultAlign;
        boolean alignGiven = false;
        if (n >= 2 && isAlignment(c[1])) {
            fill = c[0];
            fillGiven = true;
            align = (char) c[1];
            alignGiven = true;
            i = 2;
        } else if (n >= 1 && isAlignment(c[0])) {
            align = (char) c[0];
            alignGiven = true;
            i = 1;
        }
        char sign = 0;
        if (i < n && (c[i] == '+' || c[i] == '-' || c[i] == ' ')) {
            sign = (char) c[i++];
        }
        boolean noNegativeZero = false;
        if (i < n && c[i] == 'z') {
            noNegativeZero = true;
            i++;
        }
        boolean alternate = false;
        if (i < n && c[i] == '#') {
            alternate = true;
            i++;
        }
        // the '0' flag: zero fill, and sign-aware for numbers (Python 3.10+ leaves a string's alignment alone)
        if (!fillGiven && i < n && c[i] == '0') {
            fill = '0';
            if (!alignGiven && defaultAlign == '>') {
                align = '=';
            }
            i++;
        }
        int start = i;
        i = digitsEnd(c, i);
        int width = i > start ? integer(c, start, i) : -1;
        char grouping = 0;
        if (i < n && c[i] == ',') {
            grouping = ',';
            i++;
        }
        if (i < n && c[i] == '_') {
            if (grouping != 0) {
                throw new IllegalArgumentException("Cannot specify both ',' and '_'.");
            }
            grouping = '_';
            i++;
        }
        if (i < n && c[i] == ',' && grouping == '_') {
            throw new IllegalArgumentException("Cannot specify both ',' and '_'.");
        }
        int precision = -1;
        if (i < n && c[i] == '.') {
            start = ++i;
            i = digitsEnd(c, i);
            if (i == start) {
                throw new IllegalArgumentException("Format specifier missing precision");
            }
            precision = integer(c, start, i);
        }
        if (n - i > 1) {
            throw new IllegalArgumentException("Invalid format specifier '" + spec + "' for object of type '"
                    + typeName + "'");
        }
        int type = i < n ? c[i] : defaultType;
        if (grouping != 0) {
            checkGrouping(grouping, type);
        }
        return new PyFormatSpec(fill, align, sign, noNegativeZero, alternate, width, grouping, precision, type);
    }

    private static boolean isAlignment(int c) {
        return c < 128 && ALIGNMENTS.indexOf(c) >= 0;
    }

    private static int digitsEnd(int[] c, int i) {
        while (i < c.length && c[i] >= '0' && c[i] <= '9') {
            i++;
        }
        return i;
    }

    private static int integer(int[] c, int start, int end) {
        try {
            return Integer.parseInt(new String(c, start, end - start));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Too many decimal digits in format string");
        }
    }

    /** PEP 378 and PEP 515: which types take a thousands separator. */
    private static void checkGrouping(char grouping, int type) {
        switch (type) {
            case 0: case 'd': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
                return;
            case 'b': case 'o': case 'x': case 'X':
                if (grouping == '_') {
                    return;
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException("Cannot specify '" + grouping + "' with " + quoteType(type) + ".");
    }

    private static IllegalArgumentException unknownType(int type, String typeName) {
        return new IllegalArgumentException("Unknown format code " + quoteType(type) + " for object of type '"
                + typeName + "'");
    }

    /** {@code 'x'} for a printable ASCII type code, else {@code '\x..'}, as CPython's messages write it. */
    private static String quoteType(int type) {
        return type > 32 && type < 128 ? "'" + (char) type + "'" : "'\\x" + Integer.toHexString(type) + "'";
    }
}
