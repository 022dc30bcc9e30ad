package io.fulmen.tensorboard;

import com.google.protobuf.Value;
import io.fulmen.tensorboard.proto.DataType;
import io.fulmen.tensorboard.proto.HParamsPluginData;
import io.fulmen.tensorboard.proto.SessionStartInfo;
import io.fulmen.tensorboard.proto.Summary;
import io.fulmen.tensorboard.proto.SummaryMetadata;
import io.fulmen.tensorboard.proto.TensorProto;
import io.fulmen.tensorboard.proto.TensorShapeProto;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hparams plugin's {@code session_start_info} summary, as TensorBoard's {@code hparams_pb} writes it: tag
 * {@code _hparams_/session_start_info}, an empty {@code DT_FLOAT} tensor with one dimension of size 0, and plugin
 * data {@code HParamsPluginData{version 0, session_start_info}}.
 */
public final class HParams {
    /** The hparams plugin's name. */
    public static final String PLUGIN_NAME = "hparams";
    /** The tag of the session start summary. */
    public static final String SESSION_START_INFO_TAG = "_hparams_/session_start_info";

    private HParams() {}

    /**
     * Nested maps flattened with {@code "/"} between keys (as Lightning's {@code _flatten_dict}); numbers become
     * number values, booleans bool values, everything else (null, lists, enums) its string form.
     */
    public static Map<String, Value> toValues(Map<String, ?> params) {
        Map<String, Value> out = new LinkedHashMap<>();
        flatten("", params, out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Value> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                flatten(key + "/", m, out);
            } else {
                out.put(key, value(v));
            }
        }
    }

    private static Value value(Object v) {
        if (v instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (v instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        if (v instanceof Enum<?> e) {
            return Value.newBuilder().setStringValue(e.name()).build();
        }
        if (v != null && v.getClass().isArray()) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < Array.getLength(v); i++) {
                s.append(i == 0 ? "" : ", ").append(Array.get(v, i));
            }
            return Value.newBuilder().setStringValue(s.append(']').toString()).build();
        }
        if (v instanceof Collection<?> c) {
            return Value.newBuilder().setStringValue(c.toString()).build();
        }
        return Value.newBuilder().setStringValue(String.valueOf(v)).build();
    }

    /** The {@code _hparams_/session_start_info} summary value for {@code params}. */
    public static Summary.Value sessionStartInfo(Map<String, ?> params, double startTimeSecs) {
        SessionStartInfo info = SessionStartInfo.newBuilder()
                .putAllHparams(toValues(params))
                .setStartTimeSecs(startTimeSecs)
                .build();
        HParamsPluginData data = HParamsPluginData.newBuilder().setVersion(0).setSessionStartInfo(info).build();
        TensorProto nullTensor = TensorProto.newBuilder()
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(0)))
                .build();
        SummaryMetadata metadata = SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder()
                        .setPluginName(PLUGIN_NAME)
                        .setContent(data.toByteString()))
                .build();
        return Summary.Value.newBuilder()
                .setTag(SESSION_START_INFO_TAG)
                .setTensor(nullTensor)
                .setMetadata(metadata)
                .build();
    }
}
