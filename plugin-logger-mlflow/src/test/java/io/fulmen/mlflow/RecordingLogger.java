package io.fulmen.mlflow;

import io.fulmen.spi.ExperimentLogger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sees exactly what the Trainer hands to every logger, to compare with what reached the server. */
final class RecordingLogger implements ExperimentLogger {
    record Point(String key, double value, long step) {}

    private final List<Point> points = new ArrayList<>();

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public String version() {
        return "0";
    }

    @Override
    public void logHyperparams(Map<String, Object> params) {}

    @Override
    public synchronized void logMetrics(Map<String, Double> metrics, long step) {
        metrics.forEach((k, v) -> points.add(new Point(k, v, step)));
    }

    synchronized List<Point> points() {
        return List.copyOf(points);
    }
}
