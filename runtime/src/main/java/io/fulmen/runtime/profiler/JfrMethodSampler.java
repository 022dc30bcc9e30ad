package io.fulmen.runtime.profiler;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The methods a call spends its time in, from the JDK's own sampler (Java Flight Recorder's
 * {@code jdk.ExecutionSample} for Java code and {@code jdk.NativeMethodSample} for threads inside native code, as
 * DJL's engine calls are): the top frame of each sample of the calling thread is counted, and the methods seen most
 * are listed. Lightning's {@code AdvancedProfiler} does the same with Python's cProfile.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class JfrMethodSampler {
    private static final Duration PERIOD = Duration.ofMillis(10);
    private static final int TOP = 25;

    private final Recording recording = new Recording();
    private long threadId;

    /** Samples from now on, keeping the samples of the calling thread. */
    public void start() {
        threadId = Thread.currentThread().getId();
        recording.setName("fulmen-profiler");
        recording.enable("jdk.ExecutionSample").withPeriod(PERIOD).withStackTrace();
        recording.enable("jdk.NativeMethodSample").withPeriod(PERIOD).withStackTrace();
        recording.start();
    }

    /**
     * Stops sampling, keeps the recording as {@code jfrFile} (it opens in JDK Mission Control) and returns the top
     * methods as a text table; a recording that cannot be written or read yields a line saying why.
     */
    public String stop(Path jfrFile) {
        recording.stop();
        try {
            Files.createDirectories(jfrFile.toAbsolutePath().getParent());
            recording.dump(jfrFile);
            return table(count(jfrFile), jfrFile);
        } catch (IOException e) {
            return "Top methods: the JFR recording could not be kept or read: " + e + System.lineSeparator();
        } finally {
            recording.close();
        }
    }

    /** Stops sampling and drops what was recorded. */
    public void discard() {
        recording.close();
    }

    private Map<String, long[]> count(Path jfrFile) throws IOException {
        Map<String, long[]> samples = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfrFile)) {
            RecordedThread thread = e.getThread("sampledThread");
            if (thread == null || thread.getJavaThreadId() != threadId || e.getStackTrace() == null
                    || e.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            RecordedFrame top = e.getStackTrace().getFrames().get(0);
            String method = top.getMethod().getType().getName() + "." + top.getMethod().getName();
            boolean inNative = e.getEventType().getName().equals("jdk.NativeMethodSample");
            samples.computeIfAbsent(method, k -> new long[2])[inNative ? 1 : 0]++;
        }
        return samples;
    }

    private static String table(Map<String, long[]> samples, Path jfrFile) {
        long total = samples.values().stream().mapToLong(s -> s[0] + s[1]).sum();
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(samples.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]));
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder(nl).append("Top methods by samples of the training thread (JFR, every ")
                .append(PERIOD.toMillis()).append(" ms; ").append(total).append(" samples; recording: ")
                .append(jfrFile.getFileName()).append(')').append(nl).append(nl)
                .append(String.format(java.util.Locale.ROOT, "%8s  %8s  %7s  %s%n", "samples", "native", "%", "method"));
        for (Map.Entry<String, long[]> e : sorted.subList(0, Math.min(TOP, sorted.size()))) {
            long n = e.getValue()[0] + e.getValue()[1];
            out.append(String.format(java.util.Locale.ROOT, "%8d  %8d  %7.2f  %s%n", n, e.getValue()[1],
                    100.0 * n / total, e.getKey()));
        }
        return out.toString();
    }
}
