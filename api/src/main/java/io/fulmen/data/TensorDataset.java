package io.fulmen.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import org.apiguardian.api.API;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory dataset held on the Java heap, column by column (Lightning users know it as {@code TensorDataset}).
 * A batch is gathered with one bulk copy and one native allocation per column, so loading costs microseconds.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class TensorDataset implements BatchSource {
    private final List<Column> data;
    private final List<Column> labels;
    private final long size;

    private TensorDataset(List<Column> data, List<Column> labels) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("a TensorDataset needs at least one data column");
        }
        this.data = List.copyOf(data);
        this.labels = List.copyOf(labels);
        this.size = data.get(0).count;
        for (Column c : this.data) {
            checkCount(c);
        }
        for (Column c : this.labels) {
            checkCount(c);
        }
    }

    private void checkCount(Column c) {
        if (c.count != size) {
            throw new IllegalArgumentException("every column must hold " + size + " samples, one holds " + c.count);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public long size() {
        return size;
    }

    /** A dataset over the samples {@code [from, to)}, sharing memory with this one. */
    public TensorDataset slice(long from, long to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of a dataset of " + size);
        }
        return new TensorDataset(slices(data, from, to), slices(labels, from, to));
    }

    /** A dataset over the given samples, copied. */
    public TensorDataset subset(long[] indices) {
        List<Column> d = new ArrayList<>();
        for (Column c : data) {
            d.add(c.pick(indices));
        }
        List<Column> l = new ArrayList<>();
        for (Column c : labels) {
            l.add(c.pick(indices));
        }
        return new TensorDataset(d, l);
    }

    private static List<Column> slices(List<Column> cols, long from, long to) {
        List<Column> out = new ArrayList<>();
        for (Column c : cols) {
            out.add(c.slice(from, to));
        }
        return out;
    }

    @Override
    public Record gather(NDManager manager, long[] indices) {
        return new Record(gather(manager, data, indices), gather(manager, labels, indices));
    }

    private static NDList gather(NDManager manager, List<Column> cols, long[] indices) {
        NDList out = new NDList(cols.size());
        for (Column c : cols) {
            out.add(c.gather(manager, indices));
        }
        return out;
    }

    /** One column: {@code count} samples of {@code sampleShape}, stored as floats or longs. */
    private static final class Column {
        final float[] floats;
        final long[] longs;
        final long offset;
        final long count;
        final Shape sampleShape;
        final int sampleSize;

        Column(float[] floats, long[] longs, long offset, long count, Shape sampleShape) {
            this.floats = floats;
            this.longs = longs;
            this.offset = offset;
            this.count = count;
            this.sampleShape = sampleShape;
            this.sampleSize = Math.toIntExact(sampleShape.size());
        }

        static Column of(float[] values, Shape sampleShape) {
            int per = Math.toIntExact(sampleShape.size());
            if (per == 0 || values.length % per != 0) {
                throw new IllegalArgumentException(values.length + " values do not split into samples of shape "
                        + sampleShape);
            }
            return new Column(values, null, 0, values.length / per, sampleShape);
        }

        static Column of(long[] values, Shape sampleShape) {
            int per = Math.toIntExact(sampleShape.size());
            if (per == 0 || values.length % per != 0) {
                throw new IllegalArgumentException(values.length + " values do not split into samples of shape "
                        + sampleShape);
            }
            return new Column(null, values, 0, values.length / per, sampleShape);
        }

        Column slice(long from, long to) {
            return new Column(floats, longs, offset + from, to - from, sampleShape);
        }

        Column pick(long[] indices) {
            int n = indices.length;
            if (floats != null) {
                float[] out = new float[n * sampleSize];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(floats, start(indices[i]), out, i * sampleSize, sampleSize);
                }
                return new Column(out, null, 0, n, sampleShape);
            }
            long[] out = new long[n * sampleSize];
            for (int i = 0; i < n; i++) {
                System.arraycopy(longs, start(indices[i]), out, i * sampleSize, sampleSize);
            }
            return new Column(null, out, 0, n, sampleShape);
        }

        private int start(long index) {
            if (index < 0 || index >= count) {
                throw new IndexOutOfBoundsException("sample " + index + " of " + count);
            }
            return Math.toIntExact((offset + index) * sampleSize);
        }

        NDArray gather(NDManager manager, long[] indices) {
            int n = indices.length;
            DataType type = floats != null ? DataType.FLOAT32 : DataType.INT64;
            ByteBuffer buf = ByteBuffer.allocateDirect(n * sampleSize * type.getNumOfBytes())
                    .order(ByteOrder.nativeOrder());
            if (floats != null) {
                var fb = buf.asFloatBuffer();
                for (long idx : indices) {
                    fb.put(floats, start(idx), sampleSize);
                }
            } else {
                var lb = buf.asLongBuffer();
                for (long idx : indices) {
                    lb.put(longs, start(idx), sampleSize);
                }
            }
            long[] dims = new long[sampleShape.dimension() + 1];
            dims[0] = n;
            System.arraycopy(sampleShape.getShape(), 0, dims, 1, sampleShape.dimension());
            return manager.create(buf, new Shape(dims), type);
        }
    }

    /** Builds a dataset from Java arrays; every column must hold the same number of samples. */
    public static final class Builder {
        private final List<Column> data = new ArrayList<>();
        private final List<Column> labels = new ArrayList<>();

        /** A float data column; {@code sampleShape} is one sample's shape, e.g. (28, 28). */
        public Builder data(float[] values, Shape sampleShape) {
            data.add(Column.of(Objects.requireNonNull(values, "values"), sampleShape));
            return this;
        }

        public Builder data(long[] values, Shape sampleShape) {
            data.add(Column.of(Objects.requireNonNull(values, "values"), sampleShape));
            return this;
        }

        /** One class index per sample (int64), the layout classification losses take. */
        public Builder labels(long[] classIndices) {
            labels.add(Column.of(Objects.requireNonNull(classIndices, "classIndices"), new Shape()));
            return this;
        }

        public Builder labels(float[] values, Shape sampleShape) {
            labels.add(Column.of(Objects.requireNonNull(values, "values"), sampleShape));
            return this;
        }

        public TensorDataset build() {
            return new TensorDataset(data, labels);
        }
    }
}
