package io.fulmen.tensorboard;

import com.google.protobuf.ByteString;
import io.fulmen.tensorboard.proto.DataClass;
import io.fulmen.tensorboard.proto.DataType;
import io.fulmen.tensorboard.proto.Event;
import io.fulmen.tensorboard.proto.HistogramProto;
import io.fulmen.tensorboard.proto.Summary;
import io.fulmen.tensorboard.proto.SummaryMetadata;
import io.fulmen.tensorboard.proto.TensorProto;
import io.fulmen.tensorboard.proto.TensorShapeProto;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes TensorBoard summaries to one event file, in the manner of PyTorch's {@code SummaryWriter}: what
 * {@code TensorBoardLogger.experiment()} returns. Every {@code add*} call only enqueues the event (see
 * {@link EventFileWriter}); wall times are seconds since the epoch. Thread-safe.
 */
public final class TensorBoardWriter implements AutoCloseable {
    private final Path logDir;
    private final EventFileWriter events;

    TensorBoardWriter(Path logDir, EventFileWriter events) {
        this.logDir = logDir;
        this.events = events;
    }

    /** Opens a new event file in {@code logDir}. */
    public static TensorBoardWriter open(Path logDir, int maxQueue, double flushSecs) {
        return new TensorBoardWriter(logDir, new EventFileWriter(logDir, maxQueue, flushSecs));
    }

    /** The run directory (TensorBoard's run). */
    public Path logDir() {
        return logDir;
    }

    /** The event file. */
    public Path file() {
        return events.file();
    }

    /** A scalar as {@code simple_value} (float32), as PyTorch's {@code add_scalar} writes it. */
    public void addScalar(String tag, double value, long step) {
        addScalar(tag, value, step, now());
    }

    /** A scalar with an explicit wall time in seconds. */
    public void addScalar(String tag, double value, long step, double wallTime) {
        // Built on the writer thread: logging a scalar costs the caller one small object.
        Objects.requireNonNull(tag, "tag");
        events.add(() -> Event.newBuilder().setWallTime(wallTime).setStep(step).setSummary(Summary.newBuilder()
                .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value))).build());
    }

    /** A histogram of {@code values} with TensorFlow's default buckets (see {@link Histograms}). */
    public void addHistogram(String tag, float[] values, long step) {
        addHistogram(tag, Histograms.of(values), step, now());
    }

    /** A histogram of {@code values} with TensorFlow's default buckets (see {@link Histograms}). */
    public void addHistogram(String tag, double[] values, long step) {
        addHistogram(tag, Histograms.of(values), step, now());
    }

    /** A prebuilt histogram. */
    public void addHistogram(String tag, HistogramProto histogram, long step, double wallTime) {
        add(Summary.Value.newBuilder().setTag(tag).setHisto(histogram).build(), step, wallTime);
    }

    /** Text (Markdown) for TensorBoard's Text tab: a rank-0 {@code DT_STRING} tensor of the {@code "text"} plugin. */
    public void addText(String tag, String text, long step) {
        addText(tag, text, step, now());
    }

    /** Text with an explicit wall time in seconds. */
    public void addText(String tag, String text, long step, double wallTime) {
        TensorProto tensor = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(TensorShapeProto.getDefaultInstance())
                .addStringVal(ByteString.copyFrom(Objects.requireNonNull(text, "text"), StandardCharsets.UTF_8))
                .build();
        SummaryMetadata metadata = SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("text"))
                .setDataClass(DataClass.DATA_CLASS_TENSOR)
                .build();
        add(Summary.Value.newBuilder().setTag(tag).setTensor(tensor).setMetadata(metadata).build(), step, wallTime);
    }

    /**
     * An image (Lightning's {@code add_image} with {@code dataformats="HWC"}): {@code pixels} in [0, 1], row by row,
     * {@code channels} values per pixel (1 grey, 3 RGB, 4 RGBA); stored as PNG for TensorBoard's Images tab.
     */
    public void addImage(String tag, float[] pixels, int height, int width, int channels, long step) {
        addPng(tag, Images.png(pixels, height, width, channels), height, width, channels, step, now());
    }

    /** An image already encoded as PNG (or JPEG), with its size and channel count. */
    public void addPng(String tag, byte[] encoded, int height, int width, int channels, long step, double wallTime) {
        Summary.Image image = Summary.Image.newBuilder().setHeight(height).setWidth(width).setColorspace(channels)
                .setEncodedImageString(ByteString.copyFrom(encoded)).build();
        add(Summary.Value.newBuilder().setTag(tag).setImage(image).build(), step, wallTime);
    }

    /** One summary value as an event. */
    public void add(Summary.Value value, long step, double wallTime) {
        addEvent(Event.newBuilder().setWallTime(wallTime).setStep(step)
                .setSummary(Summary.newBuilder().addValue(value)).build());
    }

    /** Any event; blocks while the writer's queue is full. */
    public void addEvent(Event event) {
        events.add(event);
    }

    /** Writes and flushes everything added so far. */
    public void flush() {
        events.flush();
    }

    /** Flushes and closes the event file. Idempotent. */
    @Override
    public void close() {
        events.close();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return events.isClosed();
    }

    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    @Override
    public String toString() {
        return "TensorBoardWriter[" + file() + "]";
    }
}
