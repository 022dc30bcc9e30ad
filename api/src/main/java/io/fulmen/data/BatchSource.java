package io.fulmen.data;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Record;
import org.apiguardian.api.API;

/**
 * Samples addressable by index that can be gathered into one batch at once. {@link TensorDataset} gathers with one
 * native allocation per column; any DJL {@code RandomAccessDataset} is adapted by {@link DataLoader#of}.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public interface BatchSource {
    long size();

    /** The stacked data and labels of {@code indices}, created on {@code manager}. */
    Record gather(NDManager manager, long[] indices);
}
