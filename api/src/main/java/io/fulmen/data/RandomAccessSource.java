package io.fulmen.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.Batchifier;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Adapts a DJL {@link RandomAccessDataset}: reads each record, then stacks them. */
final class RandomAccessSource implements BatchSource {
    private final RandomAccessDataset dataset;

    RandomAccessSource(RandomAccessDataset dataset) {
        this.dataset = dataset;
    }

    @Override
    public long size() {
        return dataset.size();
    }

    @Override
    public Record gather(NDManager manager, long[] indices) {
        NDList[] data = new NDList[indices.length];
        NDList[] labels = new NDList[indices.length];
        try {
            for (int i = 0; i < indices.length; i++) {
                Record r = dataset.get(manager, indices[i]);
                data[i] = r.getData();
                labels[i] = r.getLabels();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading a record of " + dataset.getClass().getSimpleName(), e);
        }
        NDList stackedData = Batchifier.STACK.batchify(data);
        NDList stackedLabels = Batchifier.STACK.batchify(labels);
        for (int i = 0; i < indices.length; i++) {
            data[i].close();
            labels[i].close();
        }
        return new Record(stackedData, stackedLabels);
    }
}
