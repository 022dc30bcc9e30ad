package com.example.fulmen.jsonl;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.RunStatus;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * An experiment logger that appends one JSON object per line to {@code <root>/jsonl/metrics.jsonl}:
 * {@code {"step": 3, "metrics": {"loss": 0.25}}}. Written against {@code fulmen-api} alone.
 */
public final class JsonLinesLogger implements ExperimentLogger {
    private final Path file;
    private BufferedWriter out;

    public JsonLinesLogger(Path file) {
        this.file = file;
    }

    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public String version() {
        return "0";
    }

    @Override
    public Path logDir() {
        return file.getParent();
    }

    @Override
    public synchronized void logHyperparams(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder("{\"hparams\": {");
        JsonText.appendEntries(sb, params);
        write(sb.append("}}").toString());
    }

    @Override
    public synchronized void logMetrics(Map<String, Double> metrics, long step) {
        StringBuilder sb = new StringBuilder("{\"step\": ").append(step).append(", \"metrics\": {");
        JsonText.appendEntries(sb, metrics);
        write(sb.append("}}").toString());
    }

    @Override
    public synchronized void save() {
        try {
            if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("flushing " + file, e);
        }
    }

    @Override
    public synchronized void finish(RunStatus status) {
        write("{\"status\": \"" + status.name().toLowerCase(Locale.ROOT) + "\"}");
        try {
            out.close();
            out = null;
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + file, e);
        }
    }

    private void write(String line) {
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            out.write(line);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
