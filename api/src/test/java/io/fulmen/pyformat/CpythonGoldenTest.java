package io.fulmen.pyformat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case CPython computed in {@code pyformat/cases.csv} (see {@code generate.py} there for the columns): the
 * Java result equals CPython's, and where CPython raises, Java throws with CPython's message (exactly for
 * {@code format()}, contained in the longer message for templates).
 */
class CpythonGoldenTest {
    private static final String ERROR = "error:";

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvFileSource(resources = "/pyformat/cases.csv", numLinesToSkip = 1, maxCharsPerColumn = 1 << 16)
    void matchesCpython(String kind, String value, String arg, String expected) {
        String v = unescape(value);
        String a = unescape(arg);
        String want = unescape(expected);
        switch (kind) {
            case "format" -> check(want, true, () -> PyFormatSpec.format(parse(v), a));
            case "repr" -> check(want, true, () -> PyRepr.repr(parse(v)));
            case "str" -> check(want, true, () -> PyRepr.str(parse(v)));
            case "ascii" -> check(want, true, () -> PyRepr.ascii(parse(v)));
            case "timedelta_str" -> check(want, true, () -> PyTimedelta.str(micros(v)));
            case "timedelta_repr" -> check(want, true, () -> PyTimedelta.repr(micros(v)));
            case "kwformat" -> check(want, false, () -> PyFormat.format(a, parseMap(v)));
            case "dictformat" -> check(want, false, () -> PyFormat.format(a, List.of(parseMap(v)), Map.of()));
            default -> throw new IllegalArgumentException("unknown kind " + kind + " in cases.csv");
        }
    }

    private static void check(String expected, boolean exactMessage, Supplier<String> actual) {
        if (!expected.startsWith(ERROR)) {
            assertEquals(expected, actual.get());
            return;
        }
        String message = expected.substring(ERROR.length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, actual::get);
        if (exactMessage) {
            assertEquals(message, e.getMessage());
        } else {
            assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
        }
    }

    /** A typed token of generate.py: {@code int:5}, {@code float:0.1}, {@code str:abc}, {@code bool:True}, ... */
    static Object parse(String token) {
        int colon = token.indexOf(':');
        String text = token.substring(colon + 1);
        switch (token.substring(0, colon)) {
            case "int":
                BigInteger big = new BigInteger(text);
                return big.bitLength() < 64 ? (Object) big.longValueExact() : big;
            case "float":
                switch (text) {
                    case "nan": return Double.NaN;
                    case "inf": return Double.POSITIVE_INFINITY;
                    case "-inf": return Double.NEGATIVE_INFINITY;
                    default: return Double.parseDouble(text);
                }
            case "str":
                return text;
            case "bool":
                return Boolean.valueOf(text.equals("True"));
            case "none":
                return null;
            default:
                throw new IllegalArgumentException("unknown token " + token + " in cases.csv");
        }
    }

    /** {@code name=token|name=token}. */
    private static Map<String, Object> parseMap(String pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (!pairs.isEmpty()) {
            for (String pair : pairs.split("\\|")) {
                int eq = pair.indexOf('=');
                map.put(pair.substring(0, eq), parse(pair.substring(eq + 1)));
            }
        }
        return map;
    }

    private static Duration micros(String token) {
        BigInteger[] seconds = new BigInteger(token.substring("int:".length()))
                .divideAndRemainder(BigInteger.valueOf(1_000_000));
        return Duration.ofSeconds(seconds[0].longValueExact()).plus(seconds[1].longValueExact(), ChronoUnit.MICROS);
    }

    /** generate.py's escapes: {@code \\} and {@code \\uXXXX}. */
    static String unescape(String field) {
        if (field == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && field.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(field.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\') {
                out.append(field.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
