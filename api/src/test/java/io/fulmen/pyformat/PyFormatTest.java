package io.fulmen.pyformat;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Templates over Java containers and the messages of template errors, beyond the CPython cases. */
class PyFormatTest {

    @Test
    void positionalKeywordAndIndexedFields() {
        assertEquals("a-b-c", PyFormat.format("{}-{}-{x}", List.of("a", "b"), Map.of("x", "c")));
        assertEquals("b a", PyFormat.format("{1} {0}", List.of("a", "b"), Map.of()));
        assertEquals("20 y", PyFormat.format("{0[1]} {1[0]}", List.of(List.of(10, 20), new String[] {"y"}),
                Map.of()));
        // a digit-only key is an int, as in Python
        assertEquals("one", PyFormat.format("{0[1]}", List.of(Map.of(1, "one")), Map.of()));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("opt", Map.of("lr", 0.001));
        assertEquals("lr=1.000e-03", PyFormat.format("lr={cfg[opt][lr]:.3e}", Map.of("cfg", nested)));
        assertEquals("None", PyFormat.format("{x}", Collections.singletonMap("x", null)));
    }

    @Test
    void templateErrorsNameTheTemplateAndTheFix() {
        assertMessage("Single '}' encountered in format string in 'a}'; write '}}' for a literal '}'",
                () -> PyFormat.format("a}", Map.of()));
        assertMessage("KeyError: 'y': the format string '{y}' names a value that is not given; given are [x]",
                () -> PyFormat.format("{y}", Map.of("x", 1)));
        assertMessage("cannot switch from automatic field numbering to manual field specification in '{}{0}';"
                + " number all fields or none", () -> PyFormat.format("{}{0}", List.of(1), Map.of()));
        assertMessage("attribute access .real is not supported in '{x.real}'; give the value itself, or a map and"
                + " [key]", () -> PyFormat.format("{x.real}", Map.of("x", 1)));
        assertMessage("TypeError: Integer cannot be indexed with [k] in the format string '{x[k]}'; index a Map,"
                + " List or array", () -> PyFormat.format("{x[k]}", Map.of("x", 1)));
        // a value that does not take its spec keeps Python's message as it is
        assertMessage("Unknown format code 'd' for object of type 'float'",
                () -> PyFormat.format("{x:d}", Map.of("x", 0.5)));
        assertMessage("unsupported format string passed to Object.__format__",
                () -> PyFormatSpec.format(new Object(), ">3"));
    }

    private static void assertMessage(String message, Runnable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call::run).getMessage());
    }
}
