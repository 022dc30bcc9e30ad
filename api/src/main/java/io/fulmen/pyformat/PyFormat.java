package io.fulmen.pyformat;

import org.apiguardian.api.API;
import java.lang.reflect.Array;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python's {@code str.format}: literal text with replacement fields {@code {name}}, {@code {name!conversion}},
 * {@code {name:spec}}, and doubled braces (<code>&#123;&#123;</code>, <code>&#125;&#125;</code>) for literal ones, as
 * CPython 3.11 parses them.
 *
 * <p>A field names a keyword value ({@code {loss}}), a positional one ({@code {0}}, or {@code {}} for the next),
 * and may index into it: {@code {0[val/loss]}} is {@code args[0].get("val/loss")} for a {@link Map}, a digit-only
 * key indexes a {@link List} or array (and looks up an {@link Integer} key in a map, as Python looks up an int).
 * Attribute access ({@code {x.real}}) is not supported. The conversions {@code !r}, {@code !s} and {@code !a} are
 * {@link PyRepr#repr(Object)}, {@link PyRepr#str(Object)} and {@link PyRepr#ascii(Object)}; the spec, after its
 * own nested fields are filled ({@code {x:{width}.2f}}), goes to {@link PyFormatSpec#format(Object, String)}.
 *
 * <p>Errors are {@link IllegalArgumentException}s with Python's message: as it is when a value does not take its
 * spec, with the template and a hint when the template itself is wrong or names a value that is not given.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class PyFormat {
    // CPython's limit: a spec may hold fields, but those fields' specs may not
    private static final int MAX_DEPTH = 2;

    private final String template;
    private final List<?> args;
    private final Map<String, ?> kwargs;
    private int nextAuto;
    private Boolean automatic; // null until the first positional field says which numbering the template uses

    private PyFormat(String template, List<?> args, Map<String, ?> kwargs) {
        this.template = template;
        this.args = args;
        this.kwargs = kwargs;
    }

    /**
     * {@code template.format(**kwargs)}.
     *
     * @param template the format string
     * @param kwargs   the values its fields name (null values are Python's {@code None})
     * @return the filled-in text
     * @throws IllegalArgumentException when Python would raise, with its message (see the class comment)
     */
    public static String format(String template, Map<String, ?> kwargs) {
        return format(template, List.of(), kwargs);
    }

    /**
     * {@code template.format(*args, **kwargs)}.
     *
     * @param template the format string
     * @param args     the positional values, for {@code {0}}, {@code {1[key]}} and {@code {}}
     * @param kwargs   the keyword values
     * @return the filled-in text
     * @throws IllegalArgumentException when Python would raise, with its message (see the class comment)
     */
    public static String format(String template, List<?> args, Map<String, ?> kwargs) {
        Objects.requireNonNull(template, "template");
        return new PyFormat(template, Objects.requireNonNull(args, "args"), Objects.requireNonNull(kwargs, "kwargs"))
                .render(template, MAX_DEPTH);
    }

    private String render(String text, int depth) {
        if (depth <= 0) {
            throw syntax("Max string recursion exceeded", "a spec's fields cannot have fields in their own specs");
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i++);
            if (c != '{' && c != '}') {
                out.append(c);
                continue;
            }
            boolean doubled = i < n && text.charAt(i) == c;
            if (doubled) {
                out.append(c);
                i++;
            } else if (c == '}') {
                throw syntax("Single '}' encountered in format string", "write '}}' for a literal '}'");
            } else if (i == n) {
                throw syntax("Single '{' encountered in format string", "write '{{' for a literal '{'");
            } else {
                i = field(text, i, depth, out);
            }
        }
        return out.toString();
    }

    /** Parses the field that starts after the '{' at {@code start}, appends its value; returns the index after it. */
    private int field(String text, int start, int depth, StringBuilder out) {
        int n = text.length();
        int i = start;
        char c = 0;
        while (i < n) {
            c = text.charAt(i++);
            if (c == '{') {
                throw syntax("unexpected '{' in field name", "a field name cannot hold braces");
            }
            if (c == '[') {
                while (i < n && text.charAt(i) != ']') {
                    i++;
                }
            } else if (c == '}' || c == ':' || c == '!') {
                break;
            }
        }
        if (c != '}' && c != ':' && c != '!') {
            throw syntax("expected '}' before end of string", "close the field with '}'");
        }
        String name = text.substring(start, i - 1);
        int conversion = 0;
        String spec = "";
        if (c == '!') {
            if (i == n) {
                throw syntax("end of string while looking for conversion specifier", "end the field with !r}");
            }
            conversion = text.codePointAt(i);
            i += Character.charCount(conversion);
            c = i < n ? text.charAt(i++) : ':'; // at the end the spec scan below reports the open brace
            if (c != '}' && c != ':') {
                throw syntax("expected ':' after conversion specifier", "a conversion is one letter: !r, !s or !a");
            }
        }
        if (c == ':') {
            int specStart = i;
            int open = 1;
            while (open > 0) {
                if (i == n) {
                    throw syntax("unmatched '{' in format spec", "close the field with '}'");
                }
                char d = text.charAt(i++);
                open += d == '{' ? 1 : d == '}' ? -1 : 0;
            }
            spec = text.substring(specStart, i - 1);
        }
        Object value = lookUp(name);
        if (conversion != 0) {
            value = convert(value, conversion);
        }
        if (spec.indexOf('{') >= 0) {
            spec = render(spec, depth - 1);
        }
        out.append(PyFormatSpec.format(value, spec));
        return i;
    }

    private static Object convert(Object value, int conversion) {
        switch (conversion) {
            case 'r':
                return PyRepr.repr(value);
            case 's':
                return PyRepr.str(value);
            case 'a':
                return PyRepr.ascii(value);
            default:
                throw new IllegalArgumentException("Unknown conversion specifier "
                        + (conversion > 32 && conversion < 128 ? String.valueOf((char) conversion)
                        : "\\x" + Integer.toHexString(conversion)) + "; use !r, !s or !a");
        }
    }

    /** The value a field name means: a keyword or positional argument, then each {@code [key]} into it. */
    private Object lookUp(String name) {
        int end = 0;
        while (end < name.length() && name.charAt(end) != '.' && name.charAt(end) != '[') {
            end++;
        }
        String first = name.substring(0, end);
        Object value;
        if (first.isEmpty() || isDigits(first)) {
            value = positional(first);
        } else if (kwargs.containsKey(first)) {
            value = kwargs.get(first);
        } else {
            throw new IllegalArgumentException("KeyError: " + PyRepr.repr(first) + ": the format string "
                    + PyRepr.repr(template) + " names a value that is not given; given are " + kwargs.keySet());
        }
        int i = end;
        while (i < name.length()) {
            char c = name.charAt(i++);
            int keyStart = i;
            if (c == '.') {
                while (i < name.length() && name.charAt(i) != '.' && name.charAt(i) != '[') {
                    i++;
                }
                checkNotEmpty(keyStart, i);
                throw syntax("attribute access ." + name.substring(keyStart, i) + " is not supported",
                        "give the value itself, or a map and [key]");
            }
            if (c != '[') {
                throw syntax("Only '.' or '[' may follow ']' in format field specifier",
                        "end the field after ']' or index again");
            }
            while (i < name.length() && name.charAt(i) != ']') {
                i++;
            }
            if (i == name.length()) {
                throw syntax("Missing ']' in format string", "close the index with ']'");
            }
            checkNotEmpty(keyStart, i);
            value = item(value, name.substring(keyStart, i));
            i++;
        }
        return value;
    }

    private Object positional(String first) {
        boolean auto = first.isEmpty();
        if (automatic == null) {
            automatic = auto;
        } else if (automatic != auto) {
            throw syntax(auto ? "cannot switch from manual field specification to automatic field numbering"
                    : "cannot switch from automatic field numbering to manual field specification",
                    "number all fields or none");
        }
        int index;
        if (auto) {
            index = nextAuto++;
        } else {
            try {
                index = Integer.parseInt(first);
            } catch (NumberFormatException e) {
                throw syntax("Too many decimal digits in format string", "use a smaller index");
            }
        }
        if (index >= args.size()) {
            throw new IllegalArgumentException("Replacement index " + index + " out of range for positional args"
                    + " tuple: the format string " + PyRepr.repr(template) + " has " + args.size()
                    + " positional values");
        }
        return args.get(index);
    }

    private void checkNotEmpty(int start, int end) {
        if (start == end) {
            throw syntax("Empty attribute in format string", "name a key between the brackets");
        }
    }

    /** Python's {@code value[key]}, where a digit-only key is an int. */
    private Object item(Object value, String key) {
        boolean numeric = isDigits(key);
        if (value instanceof Map<?, ?> map) {
            Object k = numeric ? (Object) Integer.valueOf(key) : key;
            if (!map.containsKey(k)) {
                throw new IllegalArgumentException("KeyError: " + PyRepr.repr(k) + " in the format string "
                        + PyRepr.repr(template) + "; the keys are " + map.keySet());
            }
            return map.get(k);
        }
        if (numeric && (value instanceof List<?> || (value != null && value.getClass().isArray()))) {
            int index = Integer.parseInt(key);
            int size = value instanceof List<?> list ? list.size() : Array.getLength(value);
            if (index >= size) {
                throw new IllegalArgumentException("IndexError: list index " + index + " out of range (size " + size
                        + ") in the format string " + PyRepr.repr(template));
            }
            return value instanceof List<?> list ? list.get(index) : Array.get(value, index);
        }
        throw new IllegalArgumentException("TypeError: " + (value == null ? "None" : value.getClass().getSimpleName())
                + " cannot be indexed with [" + key + "] in the format string " + PyRepr.repr(template)
                + "; index a Map, List or array");
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private IllegalArgumentException syntax(String pythonMessage, String hint) {
        return new IllegalArgumentException(pythonMessage + " in " + PyRepr.repr(template) + "; " + hint);
    }
}
