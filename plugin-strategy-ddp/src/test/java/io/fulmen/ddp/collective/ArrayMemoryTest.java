package io.fulmen.ddp.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which arrays a collective reduces on their own memory, and which through a copy written back. */
class ArrayMemoryTest {

    @BeforeAll
    static void requireShim() {
        boolean built = GlooNative.class.getResource(GlooNative.RESOURCE) != null;
        assumeTrue(built || "true".equalsIgnoreCase(System.getenv("CI")), "the native Gloo shim is not built");
        GlooNative.load();
    }

    @Test
    void aContiguousTensorIsWorkedOnInPlace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.arange(4f);
            ArrayMemory memory = ArrayMemory.of(array);
            assertFalse(memory.copied());
            memory.buffer().asFloatBuffer().put(2, 42f);
            assertArrayEquals(new float[] {0, 1, 42, 3}, array.toFloatArray(), "the buffer is the tensor's memory");
        }
    }

    @Test
    void aGradientIsWorkedOnInPlace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.ones(new ai.djl.ndarray.types.Shape(3));
            weight.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(weight.mul(manager.create(new float[] {1, 2, 3})).sum());
            }
            ArrayMemory memory = ArrayMemory.of(weight.getGradient());
            assertFalse(memory.copied());
            memory.buffer().asFloatBuffer().put(0, -5f);
            assertArrayEquals(new float[] {-5, 2, 3}, weight.getGradient().toFloatArray());
        }
    }

    @Test
    void aTransposedViewGoesThroughACopyWrittenBackIntoItsBase() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray base = manager.arange(6f).reshape(2, 3);
            NDArray view = base.transpose();
            ArrayMemory memory = ArrayMemory.of(view);
            assertTrue(memory.copied());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, floats(memory), "the copy holds the view's order");
            memory.buffer().asFloatBuffer().put(1, 30f);
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, base.toFloatArray(), "nothing written yet");
            memory.writeBack();
            assertArrayEquals(new float[] {0, 1, 2, 30, 4, 5}, base.toFloatArray(), "written through the view");
        }
    }

    private static float[] floats(ArrayMemory memory) {
        float[] values = new float[memory.buffer().capacity() / Float.BYTES];
        memory.buffer().asFloatBuffer().get(values);
        return values;
    }
}
