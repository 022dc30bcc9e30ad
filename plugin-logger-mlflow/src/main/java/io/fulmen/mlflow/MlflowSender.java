package io.fulmen.mlflow;

import org.mlflow.api.proto.Service.LogBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Delivers {@link RunOp}s from a background thread so that logging never waits for the network. Consecutive metric
 * batches are merged into one {@code log-batch} request within MLflow's limits. When the server cannot be reached or
 * answers 429/5xx, the same operation is retried with exponential backoff (honouring {@code Retry-After}); an
 * operation the server refuses (4xx) is set aside with its reason. Memory is bounded: past
 * {@code maxBufferedPoints} pending metric points, new batches are appended to a spill file and taken back when
 * the run ends. {@link #drain} waits for delivery as long as requests succeed, and gives up once the server has
 * failed for {@code flushTimeout} without a single success; what is left comes back in a {@link DeliveryReport}.
 */
final class MlflowSender {
    // MLflow's per-request limits (mlflow/utils/validation.py: MAX_METRICS_PER_BATCH, MAX_PARAMS_TAGS_PER_BATCH,
    // MAX_ENTITIES_PER_BATCH)
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
    static final int MAX_ENTITIES_PER_BATCH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(MlflowSender.class);
    private static final long FIRST_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final RunWriter writer;
    private final Duration flushTimeout;
    private final long lingerNanos;
    private final int maxBufferedPoints;
    private final Supplier<Path> spillFile;
    private final String server;

    private final Object lock = new Object();
    private final Deque<RunOp> queue = new ArrayDeque<>();
    private final List<DeliveryReport.Rejected> rejected = new ArrayList<>();
    private final Thread thread;
    private int bufferedPoints;
    private BufferedWriter spill;
    private Path spillPath;
    private long spilledPoints;
    private boolean closing;
    private boolean abandoned;
    private boolean stopped;
    private MlflowRequestException lastFailure;
    private boolean warnedUnreachable;
    private long lastProgressNanos = System.nanoTime();

    /**
     * @param linger how long metric batches may wait for more to join them in one request (fewer, larger requests
     *               keep the sender's CPU and network use small next to training); the end of the run never waits
     */
    MlflowSender(RunWriter writer, Duration flushTimeout, Duration linger, int maxBufferedPoints,
                 Supplier<Path> spillFile) {
        this.writer = writer;
        this.flushTimeout = flushTimeout;
        this.lingerNanos = linger.toNanos();
        this.maxBufferedPoints = maxBufferedPoints;
        this.spillFile = spillFile;
        this.server = MlflowSettings.redact(writer.rest().trackingUri().toString());
        this.thread = new Thread(this::run, "fulmen-mlflow-sender");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    RunWriter writer() {
        return writer;
    }

    /** Queues {@code op}; never blocks on the network. */
    void submit(RunOp op) {
        synchronized (lock) {
            if (closing || abandoned) {
                throw new IllegalStateException("the MLflow run has ended; nothing more can be logged to it");
            }
            if (op.points() > 0 && bufferedPoints + op.points() > maxBufferedPoints) {
                spill(op);
                return;
            }
            boolean wasEmpty = queue.isEmpty();
            queue.addLast(op);
            bufferedPoints += op.points();
            if (wasEmpty || !(op instanceof RunOp.Log) || bufferedPoints >= MAX_METRICS_PER_BATCH) {
                lock.notifyAll(); // otherwise the sender is lingering and needs no wake-up per step
            }
        }
    }

    /**
     * Queues {@code last} (may be null), then waits for everything to be delivered, or until the server has been
     * failing for {@code flushTimeout}; stops the sender either way.
     */
    DeliveryReport drain(RunOp last) {
        return drain(last, flushTimeout);
    }

    /** {@link #drain(RunOp)} with its own patience for an unreachable server. */
    DeliveryReport drain(RunOp last, Duration flushTimeout) {
        synchronized (lock) {
            takeBackSpill();
            if (last != null && !abandoned) {
                queue.addLast(last);
            }
            closing = true;
            lastProgressNanos = System.nanoTime();
            lock.notifyAll();
            try {
                while (!stopped) {
                    long idle = System.nanoTime() - lastProgressNanos;
                    long left = flushTimeout.toNanos() - idle;
                    if (lastFailure != null && left <= 0) {
                        abandoned = true;
                        break;
                    }
                    lock.wait(Math.max(1, Math.min(200, left / 1_000_000)));
                }
            } catch (InterruptedException e) {
                abandoned = true;
                Thread.currentThread().interrupt();
            }
        }
        return stop();
    }

    private DeliveryReport stop() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            return new DeliveryReport(new ArrayList<>(queue), rejected, writer.run().orElse(null),
                    lastFailure == null ? null : lastFailure.getMessage());
        }
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MS;
        boolean alone = false;
        try {
            while (true) {
                List<RunOp> taken;
                synchronized (lock) {
                    while (queue.isEmpty() && !closing && !abandoned) {
                        lock.wait();
                    }
                    if (abandoned || queue.isEmpty()) {
                        return;
                    }
                    linger();
                    if (abandoned) {
                        return;
                    }
                    taken = take(alone);
                }
                try {
                    writer.execute(merged(taken));
                    delivered(taken);
                    backoff = FIRST_BACKOFF_MS;
                    alone = false;
                } catch (MlflowRequestException e) {
                    if (e.retryable()) {
                        waitBeforeRetry(e, backoff);
                        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                    } else if (taken.get(0) instanceof RunOp.StartRun) {
                        failedForGood(e);
                        return;
                    } else if (taken.size() > 1) {
                        alone = true; // find the one batch the server refuses; the others go through
                    } else {
                        refused(taken.get(0), e);
                        alone = false;
                    }
                } catch (RuntimeException e) {
                    failedForGood(new MlflowRequestException(-1, null, "the MLflow sender failed: " + e, null, e));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopped by drain(): what is queued is reported as undelivered
        } finally {
            synchronized (lock) {
                stopped = true;
                lock.notifyAll();
            }
        }
    }

    /** Lets metric batches gather for up to the linger time, until a request's worth is queued or the run ends. */
    private void linger() throws InterruptedException {
        if (!(queue.peekFirst() instanceof RunOp.Log) || lastFailure != null) {
            return;
        }
        long until = System.nanoTime() + lingerNanos;
        while (!closing && !abandoned && bufferedPoints < MAX_METRICS_PER_BATCH) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            lock.wait(Math.max(1, left / 1_000_000));
        }
    }

    /** The head of the queue: one operation, or consecutive metric batches that fit one request. */
    private List<RunOp> take(boolean alone) {
        List<RunOp> taken = new ArrayList<>();
        int metrics = 0;
        int paramsTags = 0;
        for (RunOp op : queue) {
            if (!(op instanceof RunOp.Log log)) {
                if (taken.isEmpty()) {
                    taken.add(op);
                }
                break;
            }
            LogBatch r = log.request();
            int m = metrics + r.getMetricsCount();
            int pt = paramsTags + r.getParamsCount() + r.getTagsCount();
            if (!taken.isEmpty() && (m > MAX_METRICS_PER_BATCH || pt > MAX_PARAMS_TAGS_PER_BATCH
                    || m + pt > MAX_ENTITIES_PER_BATCH)) {
                break;
            }
            taken.add(op);
            metrics = m;
            paramsTags = pt;
            if (alone) {
                break;
            }
        }
        return taken;
    }

    private static RunOp merged(List<RunOp> taken) {
        if (taken.size() == 1) {
            return taken.get(0);
        }
        LogBatch.Builder b = LogBatch.newBuilder();
        for (RunOp op : taken) {
            LogBatch r = ((RunOp.Log) op).request();
            b.addAllMetrics(r.getMetricsList()).addAllParams(r.getParamsList()).addAllTags(r.getTagsList());
        }
        return new RunOp.Log(b.build());
    }

    private void delivered(List<RunOp> taken) {
        synchronized (lock) {
            for (RunOp op : taken) {
                queue.removeFirst();
                bufferedPoints -= op.points();
                if (op instanceof RunOp.Upload u && u.staged()) {
                    deleteQuietly(u.file());
                }
            }
            if (lastFailure != null) {
                LOG.info("MLflow server {} is reachable again; sending what was buffered", server);
            }
            lastFailure = null;
            warnedUnreachable = false;
            lastProgressNanos = System.nanoTime();
            lock.notifyAll();
        }
    }

    private void waitBeforeRetry(MlflowRequestException e, long backoff) throws InterruptedException {
        synchronized (lock) {
            lastFailure = e;
            if (!warnedUnreachable) {
                warnedUnreachable = true;
                LOG.warn("MLflow: {}; training goes on, {} pending item(s) are kept and retried in the background",
                        e.getMessage(), queue.size());
            }
            lock.notifyAll();
            long wait = e.retryAfter() == null ? backoff : Math.max(backoff, e.retryAfter().toMillis());
            if (!abandoned) {
                lock.wait(wait);
            }
            if (abandoned) {
                throw new InterruptedException();
            }
        }
    }

    private void refused(RunOp op, MlflowRequestException e) {
        synchronized (lock) {
            queue.removeFirst();
            bufferedPoints -= op.points();
            rejected.add(new DeliveryReport.Rejected(op, e.getMessage()));
            LOG.warn("MLflow did not accept {}, not retried: {}", DeliveryReport.describe(List.of(op)), e.getMessage());
            lastProgressNanos = System.nanoTime();
            lock.notifyAll();
        }
    }

    private void failedForGood(MlflowRequestException e) {
        synchronized (lock) {
            lastFailure = e;
            LOG.error("MLflow: {}; nothing more is sent in this run, everything is kept for the undelivered file",
                    e.getMessage());
            lock.notifyAll();
        }
    }

    private void spill(RunOp op) {
        try {
            if (spill == null) {
                spillPath = spillFile.get();
                spill = Files.newBufferedWriter(spillPath, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                LOG.warn("MLflow server {} is behind by {} metric points; further points wait in {} until the run "
                        + "ends", server, bufferedPoints, spillPath);
            }
            spill.write(RunOpCodec.encode(op));
            spill.newLine();
            spilledPoints += op.points();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write MLflow's spill file " + spillPath, e);
        }
    }

    /** The spilled batches join the queue (before the run's end); the spill file goes away. */
    private void takeBackSpill() {
        if (spill == null) {
            return;
        }
        try {
            spill.close();
            List<String> lines = Files.readAllLines(spillPath, StandardCharsets.UTF_8);
            int n = 0;
            for (String line : lines) {
                RunOp op = RunOpCodec.decode(line, ++n);
                queue.addLast(op);
                bufferedPoints += op.points();
            }
            Files.delete(spillPath);
            spill = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read MLflow's spill file " + spillPath + " (" + spilledPoints
                    + " metric points); replay it with MlflowReplay", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete staged artifact {}", file, e);
        }
    }
}
