package io.fulmen.runtime.loop;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RejectingChildTest {
    private static final Shape[] FLAT = {new Shape(16, 784)};

    private static Block conv() {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build();
    }

    @Test
    void aFunctionBlockIsNamedAsDjlNamesIt() {
        Block pool = Pool.maxPool2dBlock(new Shape(2, 2));
        SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(64).build()).add(pool);
        RejectingChild child = RejectingChild.find(net, FLAT).orElseThrow();
        assertEquals("02LambdaBlock", child.path());
        assertEquals("maxPool2d", child.type());
        assertSame(pool, child.block());
        assertEquals(List.of(new Shape(16, 64)), List.of(child.inputs()));
    }

    @Test
    void everyChildOfAParallelBlockGetsTheSameInputs() {
        ParallelBlock net = new ParallelBlock(outputs -> outputs.get(0),
                List.of(Linear.builder().setUnits(8).build(), new SequentialBlock().add(Activation::relu).add(conv())));
        RejectingChild child = RejectingChild.find(net, FLAT).orElseThrow();
        assertEquals("02SequentialBlock/02Conv2d", child.path());
        assertEquals("Conv2d", child.type());
        assertEquals(List.of(FLAT[0]), List.of(child.inputs()));
    }

    @Test
    void nothingIsBlamedWhenNoChildRejectsItsShapesOrTheEngineItselfFails() {
        Block fits = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(4).build());
        assertEquals(Optional.empty(), RejectingChild.find(fits, FLAT));
        assertEquals(Optional.empty(), RejectingChild.find(conv(), FLAT), "no children to look into");

        Block engineDown = new SequentialBlock()
                .add(new LambdaBlock(x -> {
                    throw new EngineException("CUDA out of memory");
                }))
                .add(conv());
        assertEquals(Optional.empty(), RejectingChild.find(engineDown, FLAT));
    }

    @Test
    void theSearchDoesNotGuessWhatAContainerOfItsOwnFeedsItsChildren() {
        assertEquals(Optional.empty(), RejectingChild.find(new ConvInside(), FLAT));
    }

    @Test
    void aRealInitialisationFailureIsReportedAtTheChild() {
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(conv());
        try (NDManager m = NDManager.newBaseManager()) {
            RuntimeException djl = assertThrows(RuntimeException.class,
                    () -> net.initialize(m, DataType.FLOAT32, FLAT));
            NDList inputs = new NDList(m.zeros(FLAT[0]));
            RuntimeException e = BlockFailure.withContext(djl, net, inputs, "outside a Trainer");
            assertEquals("SequentialBlock failed outside a Trainer on inputs of shapes [(16, 784)]: at 02Conv2d "
                    + "(Conv2d), which rejects inputs of shapes [(16, 784)]: Expected layout: NCHW, but got: ??",
                    e.getMessage());
            assertSame(djl, e.getCause());
        }
    }

    /** A container of its own whose children's inputs only its forward knows. */
    private static final class ConvInside extends AbstractBlock {
        private final Block conv = addChildBlock("Conv2d", conv());

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            return conv.forward(store, inputs, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return conv.getOutputShapes(inputShapes);
        }
    }
}
