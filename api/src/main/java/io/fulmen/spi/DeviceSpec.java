package io.fulmen.spi;

import org.apiguardian.api.API;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lightning's {@code devices} argument: {@code "auto"}, a count ({@code 2}; {@code -1} for all), or explicit
 * indices ({@code "0,2"} or {@code "[0, 2]"}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record DeviceSpec(Kind kind, int count, List<Integer> indices) {
    /** What the spec names. */
    public enum Kind {
        AUTO,
        COUNT,
        ALL,
        INDICES
    }

    public DeviceSpec {
        indices = List.copyOf(indices);
    }

    public static DeviceSpec auto() {
        return new DeviceSpec(Kind.AUTO, 0, List.of());
    }

    public static DeviceSpec count(int n) {
        if (n == -1) {
            return new DeviceSpec(Kind.ALL, 0, List.of());
        }
        if (n <= 0) {
            throw new IllegalArgumentException("devices must be a positive count, -1 (all), 'auto' or a list of "
                    + "indices, got " + n);
        }
        return new DeviceSpec(Kind.COUNT, n, List.of());
    }

    /** Parses Lightning's spellings: "auto", "2", "-1", "0,1", "[0, 1]". */
    public static DeviceSpec parse(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("auto")) {
            return auto();
        }
        boolean list = s.startsWith("[") || s.contains(",");
        s = s.replace("[", "").replace("]", "").trim();
        try {
            if (!list) {
                return count(Integer.parseInt(s));
            }
            List<Integer> idx = new ArrayList<>();
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    int i = Integer.parseInt(part.trim());
                    if (i < 0) {
                        throw new NumberFormatException("negative index " + i);
                    }
                    idx.add(i);
                }
            }
            if (idx.isEmpty()) {
                throw new NumberFormatException("empty list");
            }
            return new DeviceSpec(Kind.INDICES, idx.size(), idx);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("devices '" + spec + "' is not understood: use 'auto', a count such as "
                    + "1, -1 for all devices, or indices such as '0,1'", e);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case ALL -> "-1";
            case COUNT -> Integer.toString(count);
            case INDICES -> indices.toString();
        };
    }
}
