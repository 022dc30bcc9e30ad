package io.fulmen.ddp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.fulmen.ddp.collective.Collective;
import io.fulmen.spi.ReduceOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Averages gradients over ranks in buckets of about {@code bucketBytes} (PyTorch DDP's 25 MB), one collective call
 * per bucket, in place on the gradients' own memory: no copy out and back.
 */
final class GradientBuckets {
    private final long bucketBytes;

    GradientBuckets(long bucketBytes) {
        if (bucketBytes < 1) {
            throw new IllegalArgumentException("bucket size must be positive, got " + bucketBytes + " bytes");
        }
        this.bucketBytes = bucketBytes;
    }

    /** Averages the gradients of {@code parameters} (those initialised and requiring gradients) over ranks. */
    void average(List<Parameter> parameters, Collective collective) {
        List<NDArray> grads = new ArrayList<>();
        try {
            for (Parameter p : parameters) {
                if (p.isInitialized() && p.requiresGradient()) {
                    grads.add(p.getArray().getGradient());
                }
            }
            List<NDArray> bucket = new ArrayList<>();
            long bytes = 0;
            DataType type = null;
            for (NDArray g : grads) {
                long size = g.size() * g.getDataType().getNumOfBytes();
                if (!bucket.isEmpty() && (g.getDataType() != type || bytes + size > bucketBytes)) {
                    collective.allReduce(bucket, ReduceOp.MEAN);
                    bucket = new ArrayList<>();
                    bytes = 0;
                }
                bucket.add(g);
                bytes += size;
                type = g.getDataType();
            }
            if (!bucket.isEmpty()) {
                collective.allReduce(bucket, ReduceOp.MEAN);
            }
        } finally {
            grads.forEach(NDArray::close);
        }
    }
}
