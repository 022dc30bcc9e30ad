package io.fulmen.tensorflow.finetune;

import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** A loss built into the SavedModel's graph on one of its outputs, against the batch's labels. */
public enum GraphLoss {
    /** Mean over every element of {@code (output - label)^2}; float labels with as many elements as the output. */
    MEAN_SQUARED_ERROR {
        @Override
        Built build(Ops tf, Output<TFloat32> out) {
            Placeholder<TFloat32> y = tf.withName("labels").placeholder(TFloat32.class);
            // labels [batch] against an output [batch, 1] would broadcast to [batch, batch] without the reshape
            var squared = tf.math.squaredDifference(out, tf.reshape(y, tf.shape(out)));
            var loss = tf.withName("loss").math.mean(tf.reshape(squared, tf.constant(new long[] {-1})),
                    tf.constant(0));
            return new Built(y.asOutput(), loss.asOutput());
        }
    },
    /** Mean over the batch of softmax cross entropy of class scores {@code [batch, classes]}; integer labels. */
    SPARSE_SOFTMAX_CROSS_ENTROPY {
        @Override
        Built build(Ops tf, Output<TFloat32> out) {
            Placeholder<TInt64> y = tf.withName("labels").placeholder(TInt64.class);
            // From ops that have C++ gradients (SparseSoftmaxCrossEntropyWithLogits has none in TensorFlow's C++
            // gradient registry, which graph gradients use): -mean(sum(onehot(y) * log_softmax(out), 1)).
            var classes = tf.gather(tf.shape(out), tf.constant(1), tf.constant(0));
            var flatLabels = tf.reshape(y, tf.constant(new long[] {-1}));
            var picked = tf.math.mul(tf.oneHot(flatLabels, classes, tf.constant(1f), tf.constant(0f)),
                    tf.nn.logSoftmax(out));
            var loss = tf.withName("loss").math.neg(tf.math.mean(tf.sum(picked, tf.constant(1)), tf.constant(0)));
            return new Built(y.asOutput(), loss.asOutput());
        }
    };

    /** Adds the label placeholder and the scalar loss on {@code out} to {@code tf}'s graph. */
    abstract Built build(Ops tf, Output<TFloat32> out);

    /** The label placeholder and the loss a {@link GraphLoss} added. */
    record Built(Output<?> labels, Output<TFloat32> loss) {}
}
