package io.fulmen.accelerator.cuda;

import io.fulmen.spi.DeviceSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lightning's {@code _parse_gpu_ids}: which GPU indices a {@code devices} argument names, among the {@code visible}
 * GPUs the CUDA runtime shows this process (indices are logical, after {@code CUDA_VISIBLE_DEVICES}).
 */
final class GpuIds {
    private GpuIds() {}

    /**
     * {@code "auto"} and {@code -1}: every visible GPU; {@code N}: the first N; {@code "0,2"} or {@code [0, 2]}: those
     * indices, each unique and visible. Fails naming the GPUs that exist ({@code visibleNote} says why these).
     */
    static List<Integer> select(DeviceSpec spec, int visible, String visibleNote) {
        List<Integer> ids = switch (spec.kind()) {
            case AUTO, ALL -> range(visible);
            case COUNT -> range(spec.count());
            case INDICES -> spec.indices();
        };
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("devices=" + spec + " asks for every GPU, but this process sees none"
                    + note(visibleNote) + ": run on a machine with an NVIDIA GPU, or use accelerator(\"cpu\")");
        }
        Set<Integer> seen = new HashSet<>();
        for (int id : ids) {
            if (!seen.add(id)) {
                throw new IllegalArgumentException("devices=" + spec + " names GPU " + id + " twice: device ids "
                        + "(GPU) must be unique");
            }
        }
        List<Integer> missing = ids.stream().filter(id -> id >= visible).toList();
        if (!missing.isEmpty()) {
            String what = spec.kind() == DeviceSpec.Kind.COUNT ? spec.count() + " GPU(s)" : "GPU(s) " + missing;
            throw new IllegalArgumentException("devices=" + spec + " asks for " + what + ", but this process sees "
                    + (visible == 0 ? "no GPU" : "GPU(s) " + range(visible)) + note(visibleNote) + ": use indices "
                    + "below " + visible + ", a count up to " + visible + ", -1 or \"auto\" for all");
        }
        return List.copyOf(ids);
    }

    private static List<Integer> range(int n) {
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static String note(String visibleNote) {
        return visibleNote == null || visibleNote.isBlank() ? "" : " (" + visibleNote + ")";
    }
}
