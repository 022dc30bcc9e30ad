package io.fulmen.runtime;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import org.junit.jupiter.api.Test;

import static io.fulmen.data.Batches.data;
import static io.fulmen.data.Batches.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Typed batch accessors: the one input and label, or a message naming what the batch holds. */
class BatchesTest {
    private static Batch batch(NDManager m, NDList data, NDList labels) {
        return new Batch(m, data, labels, 2, Batchifier.STACK, Batchifier.STACK, 0, 1);
    }

    @Test
    void oneInputAndOneLabelComeBackTyped() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList x = new NDList(m.ones(new Shape(2, 3)));
            NDList y = new NDList(m.zeros(new Shape(2)));
            Batch b = batch(m, x, y);
            assertSame(x.head(), data(b));
            assertSame(y.head(), labels(b));
            assertSame(x.head(), data(b, 0));
        }
    }

    @Test
    void severalOrNoArraysAreNamedInsteadOfGuessed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Batch two = batch(m, new NDList(m.ones(new Shape(2, 3)), m.ones(new Shape(2, 5))), new NDList());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data(two));
            assertEquals("the batch has 2 input arrays (shapes [(2, 3), (2, 5)]); pick one with data(batch, i)",
                    e.getMessage());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> labels(two));
            assertEquals("the batch has no label array (a predict-only dataset has none)", none.getMessage());
            IndexOutOfBoundsException out = assertThrows(IndexOutOfBoundsException.class, () -> data(two, 2));
            assertEquals("the batch has 2 input arrays, no number 2", out.getMessage());
            assertEquals(new Shape(2, 5), data(two, 1).getShape());
        }
    }
}
