package io.fulmen.runtime.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The hparams plugin's {@code HParamsPluginData} as text: {@code session_start_info} (field 3) holds the map
 * {@code hparams} (field 1) of names to {@code google.protobuf.Value}s (null 1, number 2, string 3, bool 4, struct 5,
 * list 6).
 */
final class TfHparams {
    private TfHparams() {}

    /** The hyperparameters of a {@code session_start_info}, or null when the plugin data holds another record. */
    static Map<String, String> sessionStartInfo(WireReader pluginData) {
        Map<String, String> out = null;
        while (pluginData.next()) {
            if (pluginData.field() == 3 && pluginData.wireType() == WireReader.LENGTH_DELIMITED) {
                out = new LinkedHashMap<>();
                WireReader info = pluginData.message();
                while (info.next()) {
                    if (info.field() == 1 && info.wireType() == WireReader.LENGTH_DELIMITED) {
                        entry(info.message(), out);
                    } else {
                        info.skip();
                    }
                }
            } else {
                pluginData.skip();
            }
        }
        return out;
    }

    private static void entry(WireReader entry, Map<String, String> out) {
        String key = "";
        String value = "";
        while (entry.next()) {
            if (entry.field() == 1 && entry.wireType() == WireReader.LENGTH_DELIMITED) {
                key = entry.string();
            } else if (entry.field() == 2 && entry.wireType() == WireReader.LENGTH_DELIMITED) {
                value = value(entry.message());
            } else {
                entry.skip();
            }
        }
        out.put(key, value);
    }

    private static String value(WireReader value) {
        String text = "null";
        while (value.next()) {
            switch (value.field() * 8 + value.wireType()) {
                case 16 + WireReader.FIXED64 -> text = number(value.doubleValue());
                case 24 + WireReader.LENGTH_DELIMITED -> text = value.string();
                case 32 + WireReader.VARINT -> text = Boolean.toString(value.varint() != 0);
                case 8 + WireReader.VARINT -> {
                    value.varint();
                    text = "null";
                }
                default -> {
                    value.skip();
                    text = "(structured value)";
                }
            }
        }
        return text;
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }
}
