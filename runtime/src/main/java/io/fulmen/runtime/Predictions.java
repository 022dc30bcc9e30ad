package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.apiguardian.api.API;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Trainer#predict} returned, one element per batch in order (Lightning's list of {@code predict_step}
 * outputs). The NDArrays among them live in memory of their own: they stay valid after the Trainer and the module
 * are closed, until this object is closed (use try-with-resources, or close it when done with the arrays).
 *
 * @param <T> the type of one batch's prediction
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Predictions<T> extends AbstractList<T> implements AutoCloseable {
    private final List<T> items;
    private final NDManager memory;
    /** Where each predict loader's outputs end in {@code items} (one entry per loader). */
    private final int[] loaderEnds;
    private volatile String closed;

    private Predictions(List<T> items, NDManager memory, int[] loaderEnds) {
        this.items = items;
        this.memory = memory;
        this.loaderEnds = loaderEnds;
    }

    /** {@code outputs} whose arrays are attached to {@code memory}, which the new object owns. */
    static Predictions<Object> of(List<Object> outputs, NDManager memory) {
        return new Predictions<>(List.copyOf(outputs), memory, new int[] {outputs.size()});
    }

    /** As {@link #of(List, NDManager)}, the outputs of several loaders in turn, {@code perLoader[i]} of loader i. */
    static Predictions<Object> of(List<Object> outputs, int[] perLoader, NDManager memory) {
        int[] ends = new int[perLoader.length];
        int end = 0;
        for (int i = 0; i < perLoader.length; i++) {
            end += perLoader[i];
            ends[i] = end;
        }
        return new Predictions<>(java.util.Collections.unmodifiableList(new ArrayList<>(outputs)), memory, ends);
    }

    /** How many predict loaders ran (Lightning returns a list per loader when there are several). */
    public int numDataloaders() {
        return loaderEnds.length;
    }

    /** The outputs of predict loader {@code dataloaderIdx}, in order (a view sharing this object's memory). */
    public List<T> ofDataloader(int dataloaderIdx) {
        requireOpen();
        if (dataloaderIdx < 0 || dataloaderIdx >= loaderEnds.length) {
            throw new IndexOutOfBoundsException("predict loader " + dataloaderIdx + " of " + loaderEnds.length);
        }
        return items.subList(dataloaderIdx == 0 ? 0 : loaderEnds[dataloaderIdx - 1], loaderEnds[dataloaderIdx]);
    }

    /**
     * The same predictions typed as {@code type}, sharing their memory: every element must be one (a one-array
     * NDList counts as its NDArray, as {@code predictStep}'s default returns the network's NDList).
     */
    <U> Predictions<U> as(Class<U> type) {
        Objects.requireNonNull(type, "type");
        List<U> typed = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (type == NDArray.class && item instanceof NDList list && list.size() == 1) {
                item = list.head();
            }
            if (item != null && !type.isInstance(item)) {
                throw new IllegalStateException("predictStep returned a " + item.getClass().getSimpleName()
                        + " for batch " + i + ", not a " + type.getSimpleName() + ": return " + type.getSimpleName()
                        + " from predictStep, or call predict without a type");
            }
            typed.add(type.cast(item));
        }
        return new Predictions<>(java.util.Collections.unmodifiableList(typed), memory, loaderEnds);
    }

    @Override
    public T get(int index) {
        requireOpen();
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }

    /**
     * The NDArray predictions joined along the batch axis (Lightning users' {@code torch.cat(predictions)}), in
     * this object's memory.
     */
    public NDArray concat() {
        requireOpen();
        if (items.isEmpty()) {
            throw new IllegalStateException("there are no predictions to concatenate");
        }
        NDList arrays = new NDList(items.size());
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item instanceof NDList list && list.size() == 1) {
                item = list.head();
            }
            if (!(item instanceof NDArray array)) {
                throw new IllegalStateException("prediction " + i + " is a "
                        + (item == null ? "null" : item.getClass().getSimpleName()) + ", not an NDArray");
            }
            arrays.add(array);
        }
        NDArray joined = arrays.size() == 1 ? arrays.head().duplicate() : NDArrays.concat(arrays);
        joined.attach(memory);
        return joined;
    }

    /** Frees the arrays' memory; later reads fail saying when this happened. Idempotent. */
    @Override
    public void close() {
        if (closed == null) {
            closed = "at " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " by thread '"
                    + Thread.currentThread().getName() + "'";
        }
        memory.close();
    }

    private void requireOpen() {
        String when = closed;
        if (when != null) {
            throw new IllegalStateException("these predictions were closed " + when + " and their arrays freed; "
                    + "read them before closing, or predict again");
        }
    }
}
