package io.fulmen.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lightning's precision values and aliases resolve; bfloat16 and unknown values fail at build with the fix. */
class PrecisionNamesTest {
    @TempDir
    Path root;

    private String resolved(String requested) {
        try (Trainer t = Fixtures.quietTrainer(root).precision(requested).build()) {
            return t.precision().name();
        }
    }

    @Test
    void lightningsValuesAndAliasesResolve() {
        assertEquals("32-true", resolved("32-true"));
        assertEquals("32-true", resolved("32"));
        assertEquals("64-true", resolved("64-true"));
        assertEquals("64-true", resolved("64"));
        assertEquals("16-true", resolved("16-true"));
        assertEquals("16-mixed", resolved("16-mixed"));
        assertEquals("16-mixed", resolved("16"));
        assertEquals("16-mixed", resolved(" 16-MIXED "));
    }

    @Test
    void bfloat16IsRefusedBeforeAnyWorkWithWhatToUseInstead() {
        for (String name : new String[] {"bf16-mixed", "bf16", "bf16-true"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Fixtures.quietTrainer(root).precision(name).build());
            assertTrue(e.getMessage().contains("bfloat16") && e.getMessage().contains("16-mixed")
                    && e.getMessage().contains("'" + name + "'"), e.getMessage());
        }
    }

    @Test
    void anUnknownValueListsTheAvailableOnes() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> Fixtures.quietTrainer(root).precision("8-mixed").build());
        for (String name : new String[] {"8-mixed", "32-true", "64-true", "16-true", "16-mixed", "bf16-mixed"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void scalerOptionsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fixtures.quietTrainer(root)
                .precision("16-mixed").option("16-mixed.backoff_factor", "2").build());
        assertTrue(e.getMessage().contains("backoff_factor"), e.getMessage());
    }
}
