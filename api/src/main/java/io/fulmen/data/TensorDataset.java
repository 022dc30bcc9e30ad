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
import java.util.Arrays;
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
    /** Null, or a view's samples: sample {@code i} is row {@code rows[i]} of the columns (torch's Subset). */
    private final long[] rows;
    private final long size;

    private TensorDataset(List<Column> data, List<Column> labels, long[] rows) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("a TensorDataset needs at least one data column");
        }
        this.data = List.copyOf(data);
        this.labels = List.copyOf(labels);
        this.rows = rows;
        long columnCount = data.get(0).count;
        for (Column c : this.data) {
            checkCount(c, columnCount);
        }
        for (Column c : this.labels) {
            checkCount(c, columnCount);
        }
        this.size = rows == null ? columnCount : rows.length;
    }

    private static void checkCount(Column c, long expected) {
        if (c.count != expected) {
            throw new IllegalArgumentException("every column must hold " + expected + " samples, one holds "
                    + c.count);
        }
    }

    /** A builder taking the columns as Java arrays (kept, not copied). */
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
        if (rows != null) {
            return new TensorDataset(data, labels, Arrays.copyOfRange(rows, (int) from, (int) to));
        }
        return new TensorDataset(slices(data, from, to), slices(labels, from, to), null);
    }

    /** A dataset over the given samples, copied. */
    public TensorDataset subset(long[] indices) {
        long[] picked = columnRows(indices);
        List<Column> d = new ArrayList<>();
        for (Column c : data) {
            d.add(c.pick(picked));
        }
        List<Column> l = new ArrayList<>();
        for (Column c : labels) {
            l.add(c.pick(picked));
        }
        return new TensorDataset(d, l, null);
    }

    /**
     * Splits the samples at random into non-overlapping datasets of the given sizes, as PyTorch's
     * {@code random_split(dataset, lengths, generator)}: {@code dataset.randomSplit(42, 55_000, 5_000)}. The
     * lengths must add up to {@link #size()}. The parts are views sharing this dataset's memory (nothing is
     * copied), each holding its samples in the random order drawn; the same seed always gives the same split.
     *
     * @param seed seeds the random permutation (PyTorch's {@code generator=torch.Generator().manual_seed(seed)})
     * @param lengths the size of each part, in order
     * @return one dataset per length
     * @throws IllegalArgumentException when a length is negative or the lengths do not add up to the size
     */
    public List<TensorDataset> randomSplit(long seed, long... lengths) {
        return views(RandomSplit.split(size, seed, RandomSplit.checkedCounts(size, lengths)));
    }

    /**
     * Splits the samples at random into parts holding the given fractions of them, as PyTorch's
     * {@code random_split} with fractions: {@code dataset.randomSplit(42, 0.8, 0.1, 0.1)}. Each part gets
     * {@code floor(fraction * size)} samples, then the samples left over go one by one to the parts in turn,
     * starting with the first (PyTorch's rounding). Otherwise as {@link #randomSplit(long, long...)}.
     *
     * @param seed seeds the random permutation
     * @param fractions each part's share, each in [0, 1], adding up to 1
     * @return one dataset per fraction
     * @throws IllegalArgumentException when a fraction is outside [0, 1] or the fractions do not add up to 1
     */
    public List<TensorDataset> randomSplit(long seed, double... fractions) {
        return views(RandomSplit.split(size, seed, RandomSplit.countsOf(size, fractions)));
    }

    private List<TensorDataset> views(long[][] parts) {
        List<TensorDataset> out = new ArrayList<>(parts.length);
        for (long[] part : parts) {
            out.add(new TensorDataset(data, labels, columnRows(part)));
        }
        return List.copyOf(out);
    }

    /** The column rows holding the given samples of this dataset (checked). */
    private long[] columnRows(long[] indices) {
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            long index = indices[i];
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("sample " + index + " of " + size);
            }
            out[i] = rows == null ? index : rows[(int) index];
        }
        return out;
    }

    /** For tests: the column row of every sample, in order (shows which samples a view holds). */
    long[] columnRows() {
        long[] all = new long[Math.toIntExact(size)];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return columnRows(all);
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
        long[] picked = rows == null ? indices : columnRows(indices);
        return new Record(gather(manager, data, picked), gather(manager, labels, picked));
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

        /** An int64 data column, such as token ids; {@code sampleShape} is one sample's shape. */
        public Builder data(long[] values, Shape sampleShape) {
            data.add(Column.of(Objects.requireNonNull(values, "values"), sampleShape));
            return this;
        }

        /** One class index per sample (int64), the layout classification losses take. */
        public Builder labels(long[] classIndices) {
            labels.add(Column.of(Objects.requireNonNull(classIndices, "classIndices"), new Shape()));
            return this;
        }

        /** A float label column, such as regression targets; {@code sampleShape} is one sample's shape. */
        public Builder labels(float[] values, Shape sampleShape) {
            labels.add(Column.of(Objects.requireNonNull(values, "values"), sampleShape));
            return this;
        }

        /** The dataset; at least one data column, and every column with the same number of samples. */
        public TensorDataset build() {
            return new TensorDataset(data, labels, null);
        }
    }
}
