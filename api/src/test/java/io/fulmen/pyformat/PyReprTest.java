package io.fulmen.pyformat;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java side of the type mapping, which CPython cannot generate: boxed numbers, containers, enums, Duration. */
class PyReprTest {
    private enum Color { RED }

    @Test
    void numbersByJavaType() {
        assertEquals("3", PyRepr.repr(3));
        assertEquals("3", PyRepr.repr((short) 3));
        assertEquals("3", PyRepr.repr((byte) 3));
        assertEquals("18446744073709551616", PyRepr.repr(BigInteger.TWO.pow(64)));
        assertEquals("3.0", PyRepr.repr(3.0));
        // Python has no float32: a Float widens to the double it is
        assertEquals("0.10000000149011612", PyRepr.repr(0.1f));
        assertEquals("0.1", PyRepr.repr(new BigDecimal("0.10")));
        assertEquals("0.1", PyRepr.repr((Object) 0.1));
    }

    @Test
    void containersAndOtherValues() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("lr", 1e-3);
        map.put("layers", List.of(64, 32));
        map.put("name", "it's");
        map.put("flag", true);
        map.put("none", null);
        assertEquals("{'lr': 0.001, 'layers': [64, 32], 'name': \"it's\", 'flag': True, 'none': None}",
                PyRepr.repr(map));
        assertEquals("[1.5, 'a']", PyRepr.str(new Object[] {1.5, "a"}));
        assertEquals("[1, 2]", PyRepr.repr(new int[] {1, 2}));
        assertEquals("['x']", PyRepr.repr(Set.of("x")));
        assertEquals("RED", PyRepr.repr(Color.RED));
        assertEquals("'c'", PyRepr.repr('c'));
        assertEquals("c", PyRepr.str('c'));
        assertEquals("['caf\\xe9']", PyRepr.ascii(List.of("café")));
        assertEquals("PT1H", PyRepr.repr(Duration.ofHours(1)));
    }

    @Test
    void timedeltaDropsNanosecondsBelowAMicrosecond() {
        assertEquals("0:00:00.000001", PyTimedelta.str(Duration.ofNanos(1_999)));
        assertEquals("-1 day, 23:59:59.999999", PyTimedelta.str(Duration.ofNanos(-1)));
        assertEquals("datetime.timedelta(days=-1, seconds=86399, microseconds=999999)",
                PyTimedelta.repr(Duration.ofNanos(-1)));
    }
}
