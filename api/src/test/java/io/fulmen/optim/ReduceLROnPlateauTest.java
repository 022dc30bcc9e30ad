package io.fulmen.optim;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sequences follow torch.optim.lr_scheduler.ReduceLROnPlateau's rules, derived step by step in the comments. */
class ReduceLROnPlateauTest {

    private static float[] run(ReduceLROnPlateau p, float lr, double... metrics) {
        float[] out = new float[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            lr = p.step(metrics[i], lr);
            out[i] = lr;
        }
        return out;
    }

    @Test
    void minRelWithCooldownAndMinLr() {
        ReduceLROnPlateau p = ReduceLROnPlateau.builder().factor(0.5).patience(2).threshold(0.1).cooldown(1)
                .minLr(0.2).build();
        // 10 best; 9.5 !< 9 bad1; 8.9 < 9 best; 8.5, 8.4 bad1,2; 8.3 bad3 > 2: 0.5, cooldown 1;
        // 7 best (cooldown ends, bad 0); 7,7 bad1,2; 7 bad3: 0.25, cooldown 1; 7 cooldown; 7,7 bad1,2;
        // 7 bad3: max(0.125, 0.2) = 0.2; ...; 7 bad3: max(0.1, 0.2) = 0.2, a change of 0 <= eps: kept.
        float[] lrs = run(p, 1f, 10, 9.5, 8.9, 8.5, 8.4, 8.3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f, 0.25f, 0.2f, 0.2f,
            0.2f, 0.2f, 0.2f}, lrs);
        assertEquals(7.0, p.best());
        assertEquals(18, p.lastEpoch());
    }

    @Test
    void maxAbs() {
        ReduceLROnPlateau p = ReduceLROnPlateau.builder().mode("max").factor(0.5).patience(1).threshold(0.5)
                .thresholdMode("abs").build();
        // 1 best; 1.4 !> 1.5 bad1; 1.6 > 1.5 best; 2.2 > 2.1 best; 2.0 bad1; 2.1 bad2 > 1: 0.5;
        // 2.6 !> 2.7 bad1; 2.7 !> 2.7 bad2: 0.25.
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0.5f, 0.5f, 0.25f},
                run(p, 1f, 1, 1.4, 1.6, 2.2, 2.0, 2.1, 2.6, 2.7));
    }

    @Test
    void torchDocsExampleDefaultsReduceAfterElevenFlatSteps() {
        // torch's docs: SGD(lr=0.1), ReduceLROnPlateau(optimizer, 'min'): patience 10, factor 0.1.
        ReduceLROnPlateau p = ReduceLROnPlateau.builder().build();
        double[] flat = new double[12];
        java.util.Arrays.fill(flat, 1.0);
        float[] lrs = run(p, 0.1f, flat);
        for (int i = 0; i < 11; i++) {
            assertEquals(0.1f, lrs[i], "step " + (i + 1));
        }
        assertEquals((float) (0.1f * 0.1), lrs[11]);
    }

    @Test
    void stateRoundTripsThroughPlainValuesIncludingInfinity() {
        ReduceLROnPlateau fresh = ReduceLROnPlateau.builder().build();
        Map<String, Object> initial = fresh.stateDict();
        assertEquals("Infinity", initial.get("best"));
        ReduceLROnPlateau a = ReduceLROnPlateau.builder().factor(0.5).patience(1).cooldown(2).build();
        run(a, 1f, 3, 4, 5, 6);
        ReduceLROnPlateau b = ReduceLROnPlateau.builder().factor(0.5).patience(1).cooldown(2).build();
        b.loadStateDict(a.stateDict());
        assertEquals(a.stateDict(), b.stateDict());
        assertArrayEquals(run(a, 0.5f, 6, 2, 7, 7, 7), run(b, 0.5f, 6, 2, 7, 7, 7));
        ReduceLROnPlateau c = ReduceLROnPlateau.builder().build();
        c.loadStateDict(initial);
        assertEquals(Double.POSITIVE_INFINITY, c.best());
    }

    @Test
    void badSettingsFailAsTorchDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReduceLROnPlateau.builder().factor(1.0).build());
        assertTrue(e.getMessage().contains("Factor should be < 1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReduceLROnPlateau.builder().mode("maximum"));
        assertTrue(e.getMessage().contains("mode maximum is unknown"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReduceLROnPlateau.builder().thresholdMode("pct"));
        assertTrue(e.getMessage().contains("threshold mode pct is unknown"), e.getMessage());
    }

    @Test
    void aPlateauScheduleNeedsAMonitor() {
        ReduceLROnPlateau p = ReduceLROnPlateau.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LrSchedulerConfig.builder(p).build());
        assertTrue(e.getMessage().startsWith("The lr scheduler config must include a monitor when a "
                + "`ReduceLROnPlateau` scheduler is used."), e.getMessage());
        LrSchedulerConfig c = LrSchedulerConfig.builder(p).monitor("val_loss").build();
        assertTrue(c.reduceOnPlateau());
        assertEquals(Interval.EPOCH, c.interval());
        assertTrue(c.strict());
    }
}
