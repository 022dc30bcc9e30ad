package io.fulmen.mlflow;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.LogBatch;
import org.mlflow.api.proto.Service.UpdateRun;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

import java.nio.file.Path;

/**
 * One JSON line per {@link RunOp} for the undelivered file: {@code {"op": "...", ...}} with the MLflow request in
 * MLflow's own JSON mapping under {@code "request"}, so the file reads like the API calls it stands for.
 */
final class RunOpCodec {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private RunOpCodec() {}

    static String encode(RunOp op) {
        JsonObject o = new JsonObject();
        if (op instanceof RunOp.StartRun s) {
            o.addProperty("op", "start_run");
            o.addProperty("experiment_name", s.experimentName());
            o.addProperty("artifact_location", s.artifactLocation());
            o.addProperty("run_id", s.runId());
            o.add("request", message(s.request()));
        } else if (op instanceof RunOp.Log l) {
            o.addProperty("op", "log_batch");
            o.add("request", message(l.request()));
        } else if (op instanceof RunOp.Upload u) {
            o.addProperty("op", "upload_artifact");
            o.addProperty("file", u.file().toAbsolutePath().toString());
            o.addProperty("artifact_path", u.artifactPath());
            o.addProperty("staged", u.staged());
        } else if (op instanceof RunOp.EndRun e) {
            o.addProperty("op", "end_run");
            o.add("request", message(e.request()));
        }
        return o.toString();
    }

    /** Reads one line; the message names the line so a damaged file can be repaired by hand. */
    static RunOp decode(String line, int lineNumber) {
        try {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            String op = o.get("op").getAsString();
            return switch (op) {
                case "start_run" -> new RunOp.StartRun(string(o, "experiment_name"), string(o, "artifact_location"),
                        string(o, "run_id"), parse(o, CreateRun.newBuilder()));
                case "log_batch" -> new RunOp.Log(parse(o, LogBatch.newBuilder()));
                case "upload_artifact" -> new RunOp.Upload(Path.of(string(o, "file")), string(o, "artifact_path"),
                        o.has("staged") && o.get("staged").getAsBoolean());
                case "end_run" -> new RunOp.EndRun(parse(o, UpdateRun.newBuilder()));
                default -> throw new IllegalArgumentException("unknown op '" + op + "'");
            };
        } catch (RuntimeException | InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("line " + lineNumber + " is not a Fulmen MLflow operation: "
                    + e.getMessage(), e);
        }
    }

    private static JsonElement message(MessageOrBuilder m) {
        try {
            return JsonParser.parseString(PRINTER.print(m));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot write " + m.getClass().getSimpleName() + " as JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T parse(JsonObject o, Message.Builder b) throws InvalidProtocolBufferException {
        PARSER.merge(o.get("request").toString(), b);
        return (T) b.build();
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
