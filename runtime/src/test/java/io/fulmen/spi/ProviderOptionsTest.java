package io.fulmen.spi;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider's typed option view: defaults, types, one message form for every bad value, declared keys only. */
class ProviderOptionsTest {
    private static final List<OptionSpec> SPECS = List.of(
            OptionSpec.ofString("name", "fulmen_logs", "the experiment's folder"),
            OptionSpec.ofInt("max_queue", 10, "events buffered"),
            OptionSpec.ofLong("budget", null, "bytes"),
            OptionSpec.ofDouble("flush_secs", 120.0, "seconds between flushes"),
            OptionSpec.ofBoolean("verbose", false, "log decisions"),
            OptionSpec.ofDuration("duration", null, "how long"),
            OptionSpec.ofPath("save_dir", null, "where files go"),
            OptionSpec.ofEnum("mode", "min", "which way is better", "min", "max"),
            OptionSpec.ofString("tag.*", null, "a tag: tag.<key>=<value>"));

    private static ProviderOptions options(Map<String, String> values) {
        return ProviderOptions.of("tensorboard", SPECS, values);
    }

    @Test
    void typedGettersReadTheValueElseTheDefault() {
        ProviderOptions o = options(Map.of("max_queue", " 16", "flush_secs", "2.5", "verbose", "TRUE",
                "duration", "00:01:30:00", "save_dir", "logs/x", "mode", "MAX", "budget", "10000000000"));
        assertEquals("fulmen_logs", o.getString("name"));
        assertEquals(16, o.getInt("max_queue"));
        assertEquals(10_000_000_000L, o.getLong("budget"));
        assertEquals(2.5, o.getDouble("flush_secs"));
        assertTrue(o.getBoolean("verbose"));
        assertEquals(Duration.ofMinutes(90), o.getDuration("duration"));
        assertEquals(Path.of("logs/x"), o.getPath("save_dir"));
        assertEquals("max", o.getEnum("mode"));
        assertTrue(o.isSet("mode"));
        assertFalse(o.isSet("name"));
        assertEquals("tensorboard.flush_secs", o.qualified("flush_secs"));
    }

    @Test
    void aValueOfTheWrongTypeFailsNamingTheKeyTheValueAndTheType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> options(Map.of("flush_secs", "soon")));
        assertEquals("Invalid value 'soon' for option 'tensorboard.flush_secs': expected a double (a finite number "
                + "such as 0.5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> options(Map.of("mode", "median")));
        assertEquals("Invalid value 'median' for option 'tensorboard.mode': expected one of min or max", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> options(Map.of("verbose", "yes please")));
        assertTrue(e.getMessage().contains("'yes please'") && e.getMessage().contains("a boolean"), e.getMessage());
    }

    @Test
    void aTransformerFailureHasTheSameForm() {
        ProviderOptions o = options(Map.of("name", "abc"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.get("name", v -> Integer.valueOf(v)));
        assertTrue(e.getMessage().startsWith("Invalid value 'abc' for option 'tensorboard.name': "), e.getMessage());
        assertEquals(Integer.valueOf(7), options(Map.of("name", "7")).get("name", Integer::valueOf).orElseThrow());
        assertTrue(o.get("duration", Duration::parse).isEmpty());
    }

    @Test
    void anUndeclaredKeyIsRefusedListingTheDeclaredOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> options(Map.of("flush_sec", "1")));
        assertTrue(e.getMessage().startsWith("Unknown option 'tensorboard.flush_sec'")
                && e.getMessage().contains("tensorboard.flush_secs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ProviderOptions.of("cpu", List.of(), Map.of("x", "1")));
        assertTrue(e.getMessage().contains("'cpu' takes no options"), e.getMessage());
    }

    @Test
    void aRequiredOptionMustBeSet() {
        List<OptionSpec> specs = List.of(OptionSpec.ofString("monitor", null, "the metric to watch").asRequired());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProviderOptions.of("early_stopping", specs, Map.of()));
        assertTrue(e.getMessage().contains("'early_stopping.monitor' is required"), e.getMessage());
        assertEquals("val_loss", ProviderOptions.of("early_stopping", specs, Map.of("monitor", "val_loss"))
                .getString("monitor"));
    }

    @Test
    void aFamilyOfKeysIsReadByPrefix() {
        ProviderOptions o = options(Map.of("tag.team", "vision", "tag.owner", "ana"));
        assertEquals(Map.of("owner", "ana", "team", "vision"), o.withPrefix("tag."));
        assertEquals(List.of("owner", "team"), List.copyOf(o.withPrefix("tag.").keySet()));
        assertThrows(IllegalArgumentException.class, () -> options(Map.of("tag.", "x")));
    }

    @Test
    void readingAKeyThatIsNotDeclaredIsTheProvidersBug() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> options(Map.of()).getInt("nope"));
        assertTrue(e.getMessage().contains("without declaring it"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> options(Map.of()).getLong("budget"));
        assertTrue(e.getMessage().contains("has no default"), e.getMessage());
    }

    @Test
    void durationsAcceptUnitsLightningsClockAndIso() {
        assertEquals(Duration.ofMillis(500), OptionType.DURATION.parse("500ms", List.of()));
        assertEquals(Duration.ofSeconds(90), OptionType.DURATION.parse("90s", List.of()));
        assertEquals(Duration.ofMinutes(15), OptionType.DURATION.parse("15m", List.of()));
        assertEquals(Duration.ofHours(2), OptionType.DURATION.parse("2h", List.of()));
        assertEquals(Duration.ofDays(1), OptionType.DURATION.parse("1d", List.of()));
        assertEquals(Duration.ofMinutes(90), OptionType.DURATION.parse("PT1H30M", List.of()));
        assertEquals(Duration.ofHours(12), OptionType.DURATION.parse("00:12:00:00", List.of()));
        assertEquals(Duration.ofSeconds(75), OptionType.DURATION.parse("00:01:15", List.of()));
        for (String bad : List.of("soon", "10", "1:-2:00", "1w")) {
            assertThrows(IllegalArgumentException.class, () -> OptionType.DURATION.parse(bad, List.of()), bad);
        }
    }

    @Test
    void aSpecIsCheckedWhenDeclared() {
        assertThrows(IllegalArgumentException.class, () -> OptionSpec.ofInt("bad key", 1, ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionSpec.ofEnum("mode", "median", "", "min", "max"));
        assertTrue(e.getMessage().contains("default 'median'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProviderOptions.of("x",
                List.of(OptionSpec.ofInt("a", 1, ""), OptionSpec.ofInt("a", 2, "")), Map.of()));
    }

    @Test
    void availabilityCarriesItsReason() {
        assertEquals("available", Availability.available().toString());
        assertEquals("unavailable: no CUDA driver", Availability.unavailable("no CUDA driver").toString());
        assertThrows(IllegalArgumentException.class, () -> Availability.unavailable(" "));
    }

    @Test
    void theContextKnowsTheAcceleratorOnceResolved() {
        ProviderContext ctx = ProviderContext.of(Path.of("root"));
        assertTrue(ctx.accelerator().isEmpty() && ctx.devices().isEmpty());
        assertEquals(1, ctx.numNodes());
        ProviderContext resolved = ctx.withAccelerator("cpu", 1).withNumNodes(2);
        assertEquals("cpu", resolved.accelerator().orElseThrow());
        assertEquals(1, resolved.devices().getAsInt());
        assertEquals(2, resolved.numNodes());
        assertEquals(Path.of("root"), resolved.rootDir());
    }
}
