package io.fulmen.metrics;

import ai.djl.ndarray.NDArray;

/** Predictions and targets of a regression metric on the heap, of one shape. */
record RegressionInputs(double[] preds, double[] target) {
    static RegressionInputs of(NDArray preds, NDArray target) {
        if (!preds.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("predictions of shape " + preds.getShape()
                    + " and targets of shape " + target.getShape() + " must have one shape");
        }
        return new RegressionInputs(HeapArrays.doubles(preds), HeapArrays.doubles(target));
    }
}
