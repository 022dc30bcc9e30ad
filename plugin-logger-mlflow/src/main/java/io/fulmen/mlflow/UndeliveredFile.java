package io.fulmen.mlflow;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What could not reach the tracking server, kept on disk for {@link MlflowReplay}: a JSON-lines file whose first
 * line names the server and the run (its id when it was created, else the run is created by the replay) and whose
 * other lines are {@link RunOpCodec operations} in order. Written atomically; a replay that gets only part of the
 * way rewrites it with what is left.
 */
record UndeliveredFile(String trackingUri, String runId, List<RunOp> ops) {
    static final String FILE_NAME = "mlflow-undelivered.jsonl";
    static final String REJECTED_FILE_NAME = "mlflow-rejected.jsonl";
    private static final String MARKER = "fulmen_mlflow_undelivered";

    UndeliveredFile {
        ops = List.copyOf(ops);
    }

    void write(Path file) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                JsonObject header = new JsonObject();
                header.addProperty(MARKER, 1);
                header.addProperty("tracking_uri", trackingUri);
                header.addProperty("run_id", runId);
                w.write(header.toString());
                w.newLine();
                for (RunOp op : ops) {
                    w.write(RunOpCodec.encode(op));
                    w.newLine();
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the undelivered MLflow data to " + file + ": " + e, e);
        }
    }

    static UndeliveredFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty: not a Fulmen MLflow undelivered file");
        }
        JsonObject header;
        try {
            header = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        } catch (RuntimeException e) {
            header = null;
        }
        if (header == null || !header.has(MARKER)) {
            throw new IllegalArgumentException(file + " is not a Fulmen MLflow undelivered file (its first line "
                    + "should be {\"" + MARKER + "\": 1, ...})");
        }
        List<RunOp> ops = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                try {
                    ops.add(RunOpCodec.decode(lines.get(i), i + 1));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                }
            }
        }
        return new UndeliveredFile(string(header.get("tracking_uri")), string(header.get("run_id")), ops);
    }

    /** Operations the server refused, each with its reason, for a person to look at (not replayed). */
    static void writeRejected(Path file, List<DeliveryReport.Rejected> rejected) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (DeliveryReport.Rejected r : rejected) {
                JsonObject line = JsonParser.parseString(RunOpCodec.encode(r.op())).getAsJsonObject();
                line.addProperty("refused_because", r.reason());
                w.write(line.toString());
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e, e);
        }
    }

    private static String string(JsonElement e) {
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
