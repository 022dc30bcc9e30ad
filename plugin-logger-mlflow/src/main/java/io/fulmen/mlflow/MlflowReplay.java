package io.fulmen.mlflow;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Delivers an {@code mlflow-undelivered.jsonl} file that a run left when its tracking server was away:
 * <pre>java -cp &lt;plugin jars&gt; io.fulmen.mlflow.MlflowReplay [--tracking-uri URI] FILE</pre>
 * The run is the one the file names (created now if the server never saw it). Credentials come from the same
 * environment variables as for training. On success the file is renamed to {@code *.replayed} (so it cannot be
 * delivered twice); if the server fails again, the file is rewritten with what is still left and the exit status
 * is 1.
 */
public final class MlflowReplay {
    private MlflowReplay() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String uriOverride = null;
        Duration flushTimeout = Duration.ofSeconds(30);
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tracking-uri" -> uriOverride = value(args, ++i);
                case "--flush-timeout-s" -> flushTimeout = Duration.ofMillis(
                        Math.round(Double.parseDouble(value(args, ++i)) * 1000));
                case "-h", "--help" -> {
                    out.println("usage: MlflowReplay [--tracking-uri URI] [--flush-timeout-s S] FILE");
                    return 0;
                }
                default -> file = Path.of(args[i]);
            }
        }
        if (file == null) {
            err.println("usage: MlflowReplay [--tracking-uri URI] [--flush-timeout-s S] FILE");
            return 2;
        }
        UndeliveredFile pending;
        MlflowSettings.Server target;
        try {
            pending = UndeliveredFile.read(file);
            target = MlflowSettings.server(uriOverride != null ? uriOverride : pending.trackingUri(), env);
        } catch (RuntimeException e) {
            err.println("MLflow replay: " + e.getMessage());
            return 2;
        }
        URI uri = target.uri();
        Credentials credentials = target.credentials();
        RunWriter writer = new RunWriter(new MlflowRest(uri, credentials, Duration.ofSeconds(30)), true);
        String server = MlflowSettings.redact(uri.toString());
        try {
            if (pending.runId() != null) {
                writer.attach(pending.runId());
            }
        } catch (MlflowRequestException e) {
            err.println("MLflow replay: cannot reach run " + pending.runId() + ": " + e.getMessage()
                    + "; nothing was delivered, " + file + " is unchanged");
            return 1;
        }
        Path spill = file.resolveSibling(".replay-spill.jsonl");
        MlflowSender sender = new MlflowSender(writer, flushTimeout, Duration.ZERO, Integer.MAX_VALUE,
                () -> spill);
        pending.ops().forEach(sender::submit);
        DeliveryReport report = sender.drain(null);
        String runId = report.run() == null ? pending.runId() : report.run().getRunId();
        if (!report.rejected().isEmpty()) {
            Path rejectedFile = file.resolveSibling(UndeliveredFile.REJECTED_FILE_NAME);
            UndeliveredFile.writeRejected(rejectedFile, report.rejected());
            err.println("MLflow replay: not accepted, not retried: " + DeliveryReport.describe(report.rejected().stream()
                    .map(DeliveryReport.Rejected::op).toList()) + "; see " + rejectedFile);
        }
        if (!report.undelivered().isEmpty()) {
            new UndeliveredFile(pending.trackingUri(), runId, report.undelivered()).write(file);
            err.println("MLflow replay: " + DeliveryReport.describe(report.undelivered()) + " are still not "
                    + "delivered to " + server + " (" + report.lastFailure() + "); " + file + " keeps them, run "
                    + "this command again later");
            return 1;
        }
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".replayed"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            err.println("MLflow replay: delivered, but cannot rename " + file + " (" + e + "); delete it so it is "
                    + "not delivered twice");
            return 1;
        }
        out.println("MLflow replay: delivered " + DeliveryReport.describe(pending.ops()) + " to run " + runId
                + " at " + server);
        return report.rejected().isEmpty() ? 0 : 1;
    }

    /** The command line that replays {@code file} with the jars this class was loaded from. */
    static String command(Path file) {
        Set<String> classpath = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {MlflowReplay.class, org.mlflow.api.proto.Service.class,
                com.google.gson.Gson.class, io.fulmen.logging.HparamsYaml.class, org.slf4j.Logger.class}) {
            location(c).ifPresent(classpath::add);
        }
        return "java -cp '" + String.join(File.pathSeparator, classpath) + "' " + MlflowReplay.class.getName()
                + " '" + file + "'";
    }

    private static java.util.Optional<String> location(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Path.of(source.getLocation().toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
