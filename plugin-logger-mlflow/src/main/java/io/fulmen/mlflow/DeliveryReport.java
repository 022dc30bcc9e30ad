package io.fulmen.mlflow;

import org.mlflow.api.proto.Service.RunInfo;

import java.util.List;

/**
 * What a sender could not deliver when it stopped: operations still pending (the server was unreachable, in order)
 * and operations the server refused for good, with its reason.
 */
record DeliveryReport(List<RunOp> undelivered, List<Rejected> rejected, RunInfo run, String lastFailure) {
    record Rejected(RunOp op, String reason) {}

    DeliveryReport {
        undelivered = List.copyOf(undelivered);
        rejected = List.copyOf(rejected);
    }

    boolean complete() {
        return undelivered.isEmpty() && rejected.isEmpty();
    }

    /** E.g. {@code "1,204 metric points, 7 params, 2 artifacts and the run's end"}. */
    static String describe(List<RunOp> ops) {
        long metrics = 0;
        long params = 0;
        long tags = 0;
        long artifacts = 0;
        boolean start = false;
        boolean end = false;
        for (RunOp op : ops) {
            if (op instanceof RunOp.Log l) {
                metrics += l.request().getMetricsCount();
                params += l.request().getParamsCount();
                tags += l.request().getTagsCount();
            } else if (op instanceof RunOp.Upload) {
                artifacts++;
            } else if (op instanceof RunOp.StartRun) {
                start = true;
            } else if (op instanceof RunOp.EndRun) {
                end = true;
            }
        }
        StringBuilder b = new StringBuilder();
        append(b, start ? "the run's creation" : null);
        append(b, count(metrics, "metric point"));
        append(b, count(params, "param"));
        append(b, count(tags, "tag"));
        append(b, count(artifacts, "artifact"));
        append(b, end ? "the run's end status" : null);
        int last = b.lastIndexOf(", ");
        return last < 0 ? b.toString() : b.replace(last, last + 2, " and ").toString();
    }

    static long metricPoints(List<RunOp> ops) {
        return ops.stream().filter(op -> op instanceof RunOp.Log)
                .mapToLong(op -> ((RunOp.Log) op).request().getMetricsCount()).sum();
    }

    private static String count(long n, String noun) {
        return n == 0 ? null : String.format(java.util.Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    private static void append(StringBuilder b, String part) {
        if (part != null) {
            b.append(b.length() == 0 ? "" : ", ").append(part);
        }
    }
}
