package io.fulmen.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused linear operation against DJL's matMul + add, on DJL's TensorFlow engine. */
class LinearOpTest {
    @BeforeAll
    static void natives() {
        TensorFlowEngineProvider.load();
    }

    @Test
    void oneFusedOperationGivesWhatMatMulPlusAddGives() {
        LinearOp op = new LinearOp();
        try (NDManager m = NDManager.newBaseManager("TensorFlow")) {
            NDArray x = m.randomUniform(-1, 1, new Shape(5, 32));
            NDArray weightT = m.randomUniform(-1, 1, new Shape(32, 10));
            NDArray bias = m.randomUniform(-1, 1, new Shape(10));
            NDArray y;
            try (NDManager batch = m.newSubManager()) {
                x.attach(batch);
                y = op.apply(x, weightT, bias);
                assertNotNull(y, "a float layer is fused");
                assertEquals("_MklNativeFusedMatMul", op.kernel(), "TensorFlow 2.16's Linux build has oneDNN");
                assertEquals(new Shape(5, 10), y.getShape());
                assertEquals(batch, y.getManager(), "the result belongs to the input's memory");
                assertArrayEquals(x.matMul(weightT).add(bias).toFloatArray(), y.toFloatArray(), 1e-5f);
            }
            assertTrue(y.isReleased(), "freed with the input's manager");
        }
    }

    @Test
    void aLargeLayerIsFusedToo() {
        LinearOp op = new LinearOp();
        try (NDManager m = NDManager.newBaseManager("TensorFlow")) {
            NDArray x = m.randomUniform(-1, 1, new Shape(64, 784));
            NDArray weightT = m.randomUniform(-1, 1, new Shape(784, 128));
            NDArray bias = m.randomUniform(-1, 1, new Shape(128));
            NDArray y = op.apply(x, weightT, bias);
            assertNotNull(y);
            assertArrayEquals(x.matMul(weightT).add(bias).toFloatArray(), y.toFloatArray(), 1e-4f);
        }
    }

    @Test
    void aFollowingReluRunsInTheSameOperation() {
        LinearOp op = new LinearOp();
        try (NDManager m = NDManager.newBaseManager("TensorFlow")) {
            NDArray x = m.randomUniform(-1, 1, new Shape(8, 16));
            NDArray weightT = m.randomUniform(-1, 1, new Shape(16, 6));
            NDArray bias = m.randomUniform(-1, 1, new Shape(6));
            NDArray y = op.apply(x, weightT, bias, true);
            assertNotNull(y);
            float[] expected = x.matMul(weightT).add(bias).getNDArrayInternal().relu().toFloatArray();
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
            assertTrue(y.lt(0).none().getBoolean(), "negatives were cut");
            assertTrue(x.matMul(weightT).add(bias).lt(0).any().getBoolean(), "there were negatives to cut");
        }
    }

    @Test
    void otherTypesAreLeftToDjl() {
        LinearOp op = new LinearOp();
        try (NDManager m = NDManager.newBaseManager("TensorFlow")) {
            NDArray x = m.ones(new Shape(2, 4));
            NDArray weightT = m.ones(new Shape(4, 3));
            NDArray bias = m.ones(new Shape(3));
            assertNull(op.apply(x.toType(DataType.FLOAT64, false), weightT.toType(DataType.FLOAT64, false),
                    bias.toType(DataType.FLOAT64, false)));
            assertNull(op.apply(x, weightT, bias.reshape(1, 3)), "a bias that is not a vector");
            assertNotNull(op.apply(x, weightT, bias), "still fused after declining those");
        }
    }
}
