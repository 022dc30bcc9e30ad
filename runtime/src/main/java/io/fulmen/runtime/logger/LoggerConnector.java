package io.fulmen.runtime.logger;

import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.runtime.metrics.MetricStore;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;
import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole lifecycle of a Trainer's experiment loggers in one place (Lightning's {@code _LoggerConnector} and the
 * logger parts of {@code _run}): hyperparameters once, metric rows with the {@code epoch} column, saves, and the
 * one {@code finish} with the run's status, after which nothing more is sent. Only the process that writes logs
 * (rank zero) talks to the loggers.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class LoggerConnector {
    private final List<ExperimentLogger> loggers;
    private final boolean writes;
    private final MetricStore metrics;
    private boolean hyperparametersLogged;
    private volatile boolean finished;
    private volatile boolean muted;

    public LoggerConnector(List<ExperimentLogger> loggers, boolean writesLogs, MetricStore metrics) {
        this.loggers = List.copyOf(loggers);
        this.writes = writesLogs;
        this.metrics = metrics;
    }

    public List<ExperimentLogger> loggers() {
        return loggers;
    }

    private boolean active() {
        return writes && !finished && !muted && !loggers.isEmpty();
    }

    /** While muted (a tuner's trial fits), nothing reaches the loggers and nothing finishes them. */
    public void mute(boolean value) {
        this.muted = value;
    }

    /** Sends the module's and DataModule's hyperparameters, once per Trainer, when there are any. */
    public void logHyperparameters(LightningModule module, LightningDataModule dataModule) {
        if (hyperparametersLogged || !active()) {
            return;
        }
        Map<String, Object> hp = new LinkedHashMap<>(module.hparams());
        if (dataModule != null) {
            hp.putAll(dataModule.hparams());
        }
        if (hp.isEmpty()) {
            return;
        }
        hyperparametersLogged = true;
        loggers.forEach(l -> l.logHyperparams(hp));
    }

    /** Sends a row of metrics at {@code step}, adding Lightning's {@code epoch} column when asked. */
    public void logMetrics(Map<String, Double> row, long step, Integer epoch) {
        if (row.isEmpty() || !active()) {
            return;
        }
        Map<String, Double> out = new LinkedHashMap<>(row);
        if (epoch != null) {
            out.putIfAbsent("epoch", (double) epoch);
        }
        for (ExperimentLogger l : loggers) {
            l.logMetrics(out, step);
        }
        metrics.recordLogged(out);
    }

    /** Asks every logger to persist what it has (end of a training epoch, end of a call). */
    public void save() {
        if (active()) {
            loggers.forEach(ExperimentLogger::save);
        }
    }

    /** True once {@link #finish} ran: nothing more reaches the loggers. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Finishes every logger once with {@code status}; a logger that fails to finish does not stop the others, and
     * its error is added to {@code cause} when there is one (else rethrown after all were finished).
     */
    public void finish(RunStatus status, Throwable cause) {
        if (!writes || finished) {
            return;
        }
        finished = true;
        RuntimeException first = null;
        for (ExperimentLogger l : loggers) {
            try {
                l.finish(status);
            } catch (RuntimeException e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
