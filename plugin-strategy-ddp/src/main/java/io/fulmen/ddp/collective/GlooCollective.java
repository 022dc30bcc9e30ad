package io.fulmen.ddp.collective;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fulmen.spi.ReduceOp;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Collective} on a Gloo process group (see {@link GlooNative}). Calls are serialised (one at a time per
 * process); each takes fresh Gloo tags, so a late message of one call can never be mistaken for another's.
 */
final class GlooCollective implements Collective {

    private final int rank;
    private final int worldSize;
    private final Duration timeout;
    private final PeerProbe probe;
    private final List<String> peerAddresses;
    private long group;
    private int nextTag;
    private CollectiveException failure;

    GlooCollective(long group, int rank, int worldSize, Duration timeout, PeerProbe probe, List<String> peerAddresses,
            int firstTag) {
        this.group = group;
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeout = timeout;
        this.probe = probe;
        this.peerAddresses = List.copyOf(peerAddresses);
        this.nextTag = firstTag;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public void allReduce(NDArray array, ReduceOp op) {
        allReduce(List.of(array), op);
    }

    @Override
    public synchronized void allReduce(List<NDArray> arrays, ReduceOp op) {
        checkUsable("all-reduce");
        if (arrays.isEmpty()) {
            return;
        }
        DataType type = arrays.get(0).getDataType();
        int typeCode = typeCode(type);
        List<ArrayMemory> memory = new ArrayList<>(arrays.size());
        for (NDArray array : arrays) {
            if (array.getDataType() != type) {
                throw new IllegalArgumentException("a bucket holds one data type: found " + type + " and "
                        + array.getDataType() + "; reduce arrays of different types in separate calls");
            }
            memory.add(memoryOf(array));
        }
        ByteBuffer[] buffers = memory.stream().map(ArrayMemory::buffer).toArray(ByteBuffer[]::new);
        int tag = tags(buffers.length + 1);
        run("all-reduce", () -> GlooNative.allReduce(group, buffers, typeCode, opCode(op), tag));
        memory.forEach(ArrayMemory::writeBack);
    }

    @Override
    public synchronized void broadcast(NDArray array, int root) {
        checkUsable("broadcast");
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("broadcast root " + root + " is outside 0.." + (worldSize - 1));
        }
        typeCode(array.getDataType());
        ArrayMemory memory = memoryOf(array);
        int tag = tags(1);
        run("broadcast from rank " + root, () -> GlooNative.broadcast(group, memory.buffer(), root, tag));
        if (rank != root) {
            memory.writeBack();
        }
    }

    @Override
    public synchronized NDArray allGather(NDArray array) {
        checkUsable("all-gather");
        typeCode(array.getDataType());
        ArrayMemory input = memoryOf(array);
        long[] dims = new long[array.getShape().dimension() + 1];
        dims[0] = worldSize;
        System.arraycopy(array.getShape().getShape(), 0, dims, 1, dims.length - 1);
        NDArray gathered = array.getManager().zeros(new Shape(dims), array.getDataType());
        try {
            ArrayMemory output = memoryOf(gathered);
            int tag = tags(1);
            run("all-gather", () -> GlooNative.allGather(group, input.buffer(), output.buffer(), tag));
            output.writeBack();
            return gathered;
        } catch (RuntimeException e) {
            gathered.close();
            throw e;
        }
    }

    @Override
    public synchronized void barrier() {
        checkUsable("barrier");
        int tag = tags(1);
        run("barrier", () -> GlooNative.barrier(group, tag));
    }

    @Override
    public synchronized void close() {
        if (group != 0) {
            long closing = group;
            group = 0;
            probe.close();
            GlooNative.close(closing);
        }
    }

    private static ArrayMemory memoryOf(NDArray array) {
        if (!Device.Type.CPU.equals(array.getDevice().getDeviceType())) {
            throw new IllegalArgumentException("Gloo collectives work on CPU arrays; this one is on "
                    + array.getDevice());
        }
        return ArrayMemory.of(array);
    }

    private int tags(int count) {
        int first = nextTag;
        nextTag += count;
        return first;
    }

    private void checkUsable(String operation) {
        if (group == 0) {
            throw new IllegalStateException(operation + " on a closed collective (rank " + rank + ")");
        }
        if (failure != null) {
            throw new CollectiveException(operation + " on rank " + rank + " refused: the group broke earlier: "
                    + failure.getMessage(), failure);
        }
    }

    /** Runs a native collective; on failure finds out which peer broke it, and marks this group unusable. */
    private void run(String operation, Runnable call) {
        try {
            call.run();
        } catch (CollectiveException e) {
            failure = new CollectiveException(diagnose(operation, e.getMessage()), e);
            throw failure;
        }
    }

    private String diagnose(String operation, String glooMessage) {
        List<String> problems = PeerProbe.unhealthyPeers(peerAddresses, rank);
        String peers = problems.isEmpty()
                ? "every peer still answers, so some rank did not reach the same " + operation + " within the "
                        + timeout.toMillis() + " ms timeout (it is busy elsewhere or called another operation)"
                : String.join("; ", problems);
        return operation + " failed on rank " + rank + " of " + worldSize + ": " + peers + " (Gloo: " + glooMessage
                + ")";
    }

    static int typeCode(DataType type) {
        switch (type) {
            case FLOAT32: return GlooNative.FLOAT32;
            case FLOAT64: return GlooNative.FLOAT64;
            case INT32: return GlooNative.INT32;
            case INT64: return GlooNative.INT64;
            default:
                throw new IllegalArgumentException("collectives support FLOAT32, FLOAT64, INT32 and INT64 arrays, not "
                        + type + ": convert with toType first");
        }
    }

    private static int opCode(ReduceOp op) {
        switch (op) {
            case SUM: return GlooNative.SUM;
            case MEAN: return GlooNative.MEAN;
            case MAX: return GlooNative.MAX;
            case MIN: return GlooNative.MIN;
            default: throw new IllegalArgumentException("unknown reduction " + op);
        }
    }
}
