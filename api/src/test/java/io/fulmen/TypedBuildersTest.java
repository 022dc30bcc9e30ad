package io.fulmen;

import io.fulmen.optim.AdamW;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builders and option shortcuts give the type and the options one asks for. */
class TypedBuildersTest {
    @Test
    void adamWBuildsAnAdamWThroughEveryArgument() {
        AdamW w = AdamW.builder().lr(3e-4f).betas(0.8f, 0.99f).eps(1e-6f).weightDecay(0.1f).build();
        assertEquals(3e-4f, w.learningRate());
    }

    @Test
    void epochOnlyAndStepOnlyAreLightningsOnStepOnEpochPairs() {
        assertFalse(LogOptions.epochOnly().onStep());
        assertTrue(LogOptions.epochOnly().onEpoch());
        assertTrue(LogOptions.stepOnly().onStep());
        assertFalse(LogOptions.stepOnly().onEpoch());
    }
}
