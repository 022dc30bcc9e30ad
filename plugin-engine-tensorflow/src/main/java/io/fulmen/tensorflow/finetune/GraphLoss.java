package io.fulmen.tensorflow.finetune;

/** A loss built into the SavedModel's graph on one of its outputs, against the batch's labels. */
public enum GraphLoss {
    /** Mean over every element of {@code (output - label)^2}; float labels shaped like the output. */
    MEAN_SQUARED_ERROR,
    /** Mean over the batch of softmax cross entropy of class scores {@code [batch, classes]}; integer labels. */
    SPARSE_SOFTMAX_CROSS_ENTROPY
}
