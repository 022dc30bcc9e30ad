package io.fulmen.runtime.report;

import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the scalars and hyperparameters of a run logged with TensorBoard: the event files of one folder, in name
 * order as TensorBoard reads them. A scalar is a {@code simple_value} (what Fulmen's TensorBoard logger and PyTorch's
 * {@code SummaryWriter} write) or a one-element tensor of a tag whose first metadata names the {@code scalars}
 * plugin (what TensorFlow 2's {@code tf.summary.scalar} writes), as {@code float_val}, {@code double_val} or
 * {@code tensor_content}. Hyperparameters come from the hparams plugin's {@code session_start_info} (the last one).
 * Images, histograms, text and graphs are skipped. The {@code epoch} scalar is left out, as the report leaves out
 * {@code metrics.csv}'s epoch column, and so are non-finite values.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class TfEvents {
    private static final String SCALARS_PLUGIN = "scalars";
    private static final String HPARAMS_PLUGIN = "hparams";

    /**
     * What the event files hold.
     *
     * @param series  one series per scalar tag, in order of first appearance
     * @param hparams the hyperparameters as text, empty when none were logged
     * @param notes   what the reader tolerated (files that end inside a record)
     */
    public record Run(List<MetricSeries> series, Map<String, String> hparams, List<String> notes) {}

    private final Map<String, List<Long>> steps = new LinkedHashMap<>();
    private final Map<String, List<Double>> values = new HashMap<>();
    private final Map<String, String> pluginOfTag = new HashMap<>();
    private Map<String, String> hparams = Map.of();

    private TfEvents() {}

    /** TensorBoard's own test: the file name contains {@code tfevents}. */
    public static boolean isEventFile(Path file) {
        return file.getFileName().toString().contains("tfevents") && Files.isRegularFile(file);
    }

    /** The event files directly in {@code dir}, in name order. */
    public static List<Path> eventFiles(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(TfEvents::isEventFile).sorted().toList();
        }
    }

    /**
     * Reads {@code files} in order; fails with the file and offset of a record whose CRC does not match or whose
     * event cannot be decoded.
     */
    public static Run read(List<Path> files) throws IOException {
        TfEvents reader = new TfEvents();
        List<String> notes = new ArrayList<>();
        for (Path file : files) {
            long partial = TfRecordFile.read(file, (offset, data) -> {
                try {
                    reader.event(new WireReader(data));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": record at offset " + offset + ": " + e.getMessage(), e);
                }
            });
            if (partial >= 0) {
                notes.add(file.getFileName() + " ends inside a record at offset " + partial
                        + " (its writer stopped mid-write): read up to there");
            }
        }
        List<MetricSeries> series = new ArrayList<>();
        reader.steps.forEach((tag, s) -> series.add(new MetricSeries(tag, s, reader.values.get(tag))));
        return new Run(series, reader.hparams, notes);
    }

    private void event(WireReader event) {
        long step = 0;
        List<WireReader> summaries = new ArrayList<>();
        while (event.next()) {
            if (event.field() == 2 && event.wireType() == WireReader.VARINT) {
                step = event.varint();
            } else if (event.field() == 5 && event.wireType() == WireReader.LENGTH_DELIMITED) {
                summaries.add(event.message());
            } else {
                event.skip();
            }
        }
        for (WireReader summary : summaries) {
            while (summary.next()) {
                if (summary.field() == 1 && summary.wireType() == WireReader.LENGTH_DELIMITED) {
                    value(summary.message(), step);
                } else {
                    summary.skip();
                }
            }
        }
    }

    /** One {@code Summary.Value}: tag 1, simple_value 2, tensor 8, metadata 9. */
    private void value(WireReader value, long step) {
        String tag = null;
        Double simple = null;
        WireReader tensor = null;
        String plugin = null;
        byte[] pluginContent = null;
        while (value.next()) {
            switch (value.field() * 8 + value.wireType()) {
                case 8 + WireReader.LENGTH_DELIMITED -> tag = value.string();
                case 16 + WireReader.FIXED32 -> simple = (double) value.floatValue();
                case 64 + WireReader.LENGTH_DELIMITED -> tensor = value.message();
                case 72 + WireReader.LENGTH_DELIMITED -> {
                    WireReader metadata = value.message();
                    while (metadata.next()) {
                        if (metadata.field() == 1 && metadata.wireType() == WireReader.LENGTH_DELIMITED) {
                            WireReader pluginData = metadata.message();
                            plugin = "";
                            while (pluginData.next()) {
                                if (pluginData.field() == 1 && pluginData.wireType() == WireReader.LENGTH_DELIMITED) {
                                    plugin = pluginData.string();
                                } else if (pluginData.field() == 2
                                        && pluginData.wireType() == WireReader.LENGTH_DELIMITED) {
                                    pluginContent = pluginData.bytesValue();
                                } else {
                                    pluginData.skip();
                                }
                            }
                        } else {
                            metadata.skip();
                        }
                    }
                }
                default -> value.skip();
            }
        }
        if (tag == null) {
            return;
        }
        if (plugin != null) {
            pluginOfTag.putIfAbsent(tag, plugin); // TensorBoard keeps a tag's first metadata
        }
        if (HPARAMS_PLUGIN.equals(plugin) && pluginContent != null) {
            Map<String, String> started = TfHparams.sessionStartInfo(new WireReader(pluginContent));
            if (started != null) {
                hparams = started;
            }
            return;
        }
        Double v = simple;
        if (v == null && tensor != null && SCALARS_PLUGIN.equals(pluginOfTag.get(tag))) {
            v = scalar(tensor, tag);
        }
        if (v != null && Double.isFinite(v) && !tag.equals("epoch")) {
            steps.computeIfAbsent(tag, k -> new ArrayList<>()).add(step);
            values.computeIfAbsent(tag, k -> new ArrayList<>()).add(v);
        }
    }

    /** A one-element {@code TensorProto}'s value: dtype 1, shape 2, tensor_content 4 or the typed repeated field. */
    private static double scalar(WireReader tensor, String tag) {
        int dtype = 0;
        long elements = 1;
        byte[] content = null;
        List<Double> typed = new ArrayList<>();
        while (tensor.next()) {
            int field = tensor.field();
            int wire = tensor.wireType();
            if (field == 1 && wire == WireReader.VARINT) {
                dtype = (int) tensor.varint();
            } else if (field == 2 && wire == WireReader.LENGTH_DELIMITED) {
                elements = elements(tensor.message());
            } else if (field == 4 && wire == WireReader.LENGTH_DELIMITED) {
                content = tensor.bytesValue();
            } else if (field == 5 || field == 6 || field == 7 || field == 10 || field == 13) {
                repeated(tensor, field, typed);
            } else {
                tensor.skip();
            }
        }
        if (elements != 1) {
            throw new IllegalArgumentException("tag " + tag + " of the scalars plugin holds " + elements
                    + " elements, not one");
        }
        DType type = DType.of(dtype, tag);
        if (content != null && content.length > 0) {
            if (content.length != type.bytes) {
                throw new IllegalArgumentException("tag " + tag + ": tensor_content of " + content.length
                        + " bytes for one " + type);
            }
            return type.decode(ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN));
        }
        if (typed.size() != 1) {
            throw new IllegalArgumentException("tag " + tag + ": a " + type + " scalar with " + typed.size()
                    + " values");
        }
        return type == DType.HALF ? halfToDouble((int) (double) typed.get(0)) : typed.get(0);
    }

    private static long elements(WireReader shape) {
        long n = 1;
        while (shape.next()) {
            if (shape.field() == 2 && shape.wireType() == WireReader.LENGTH_DELIMITED) {
                WireReader dim = shape.message();
                long size = 0;
                while (dim.next()) {
                    if (dim.field() == 1 && dim.wireType() == WireReader.VARINT) {
                        size = dim.varint();
                    } else {
                        dim.skip();
                    }
                }
                n *= size;
            } else {
                shape.skip();
            }
        }
        return n;
    }

    /** A repeated numeric field, packed or not: float 5, double 6, int32 7, int64 10, half as int32 13. */
    private static void repeated(WireReader tensor, int field, List<Double> out) {
        if (tensor.wireType() == WireReader.LENGTH_DELIMITED) {
            WireReader packed = tensor.message();
            while (packed.hasMore()) {
                out.add(element(packed, field));
            }
        } else {
            out.add(element(tensor, field));
        }
    }

    private static double element(WireReader r, int field) {
        return switch (field) {
            case 5 -> r.floatValue();
            case 6 -> r.doubleValue();
            case 7, 13 -> (int) r.varint();
            default -> r.varint();
        };
    }

    /** IEEE 754 binary16 (Java 17 has no {@code Float.float16ToFloat}). */
    static double halfToDouble(int bits) {
        int exponent = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        double magnitude = exponent == 0 ? mantissa * 0x1p-24
                : exponent == 31 ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                : (1 + mantissa / 1024.0) * Math.scalb(1.0, exponent - 15);
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /** The dtypes a scalar may have, with their size in {@code tensor_content}. */
    private enum DType {
        FLOAT(1, 4), DOUBLE(2, 8), INT32(3, 4), INT64(9, 8), HALF(19, 2);

        final int code;
        final int bytes;

        DType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        static DType of(int code, String tag) {
            for (DType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("tag " + tag + ": a scalar of dtype " + code
                    + ", which the report does not read (it reads DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_HALF)");
        }

        double decode(ByteBuffer b) {
            return switch (this) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> b.getDouble();
                case INT32 -> b.getInt();
                case INT64 -> b.getLong();
                case HALF -> halfToDouble(b.getShort());
            };
        }
    }
}
