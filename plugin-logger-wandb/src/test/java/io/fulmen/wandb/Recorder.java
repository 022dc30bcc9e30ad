package io.fulmen.wandb;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** A logger that keeps what the Trainer logged: per step, each key's latest value; the hyperparameters. */
final class Recorder implements ExperimentLogger {
    final Map<Long, Map<String, Double>> metrics = new TreeMap<>();
    final Map<String, Object> hparams = new LinkedHashMap<>();
    RunStatus status;

    @Override
    public String name() {
        return "recorder";
    }

    @Override
    public String version() {
        return "0";
    }

    @Override
    public synchronized void logHyperparams(Map<String, Object> params) {
        hparams.putAll(params);
    }

    @Override
    public synchronized void logMetrics(Map<String, Double> values, long step) {
        values.forEach((k, v) -> {
            if (v != null) {
                metrics.computeIfAbsent(step, s -> new LinkedHashMap<>()).put(k, v);
            }
        });
    }

    @Override
    public void finish(RunStatus value) {
        status = value;
    }
}
