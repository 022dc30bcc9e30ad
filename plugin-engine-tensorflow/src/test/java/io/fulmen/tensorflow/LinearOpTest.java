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
            NDArray weight = m.randomUniform(-1, 1, new Shape(10, 32));
            NDArray bias = m.randomUniform(-1, 1, new Shape(10));
            NDArray y;
            try (NDManager batch = m.newSubManager()) {
                x.attach(batch);
                y = op.apply(x, weight, bias, false, weight::transpose);
                assertNotNull(y, "a float layer is fused");
                assertEquals("_MklNativeFusedMatMul", op.kernel(), "TensorFlow 2.16's Linux build has oneDNN");
                assertEquals(new Shape(5, 10), y.getShape());
                assertEquals(batch, y.getManager(), "the result belongs to the input's memory");
                assertArrayEquals(x.matMul(weight.transpose()).add(bias).toFloatArray(), y.toFloatArray(), 1e-5f);
            }
            assertTrue(y.isReleased(), "freed with the input's manager");
        }
    }

    @Test
    void aLargeLayerIsFusedToo() {
        LinearOp op = new LinearOp();
        try (NDManager m = NDManager.newBaseManager("TensorFlow")) {
            NDArray x = m.randomUniform(-1, 1, new Shape(64, 784));
            NDArray weight = m.randomUniform(-1, 1, new Shape(128, 784));
            NDArray bias = m.randomUniform(-1, 1, new Shape(128));
            NDArray y = op.apply(x, weight, bias, false, weight::transpose);
            assertNotNull(y);
            assertArrayEquals(x.matMul(weight.transpose()).add(bias).toFloatArray(), y.toFloatArray(), 1e-4f);
        }
    }

    @Test
    void aFollowingReluRunsInTheSameOperation() {
        LinearOp op = new LinearOp();
        try (NDManager m = NDManager.newBaseManager("TensorFlow")) {
            NDArray x = m.randomUniform(-1, 1, new Shape(8, 16));
            NDArray weight = m.randomUniform(-1, 1, new Shape(6, 16));
            NDArray bias = m.randomUniform(-1, 1, new Shape(6));
            NDArray y = op.apply(x, weight, bias, true, weight::transpose);
            assertNotNull(y);
            NDArray linear = x.matMul(weight.transpose()).add(bias);
            assertArrayEquals(linear.getNDArrayInternal().relu().toFloatArray(), y.toFloatArray(), 1e-5f);
            assertTrue(y.lt(0).none().getBoolean(), "negatives were cut");
            assertTrue(linear.lt(0).any().getBoolean(), "there were negatives to cut");
        }
    }

    @Test
    void otherTypesAreLeftToDjl() {
        LinearOp op = new LinearOp();
        try (NDManager m = NDManager.newBaseManager("TensorFlow")) {
            NDArray x = m.ones(new Shape(2, 4));
            NDArray weight = m.ones(new Shape(3, 4));
            NDArray bias = m.ones(new Shape(3));
            NDArray w64 = weight.toType(DataType.FLOAT64, false);
            assertNull(op.apply(x.toType(DataType.FLOAT64, false), w64, bias.toType(DataType.FLOAT64, false), false,
                    w64::transpose));
            assertNull(op.apply(x, weight, bias.reshape(1, 3), false, weight::transpose),
                    "a bias that is not a vector");
            assertNotNull(op.apply(x, weight, bias, false, weight::transpose), "still fused after declining those");
        }
    }
}
