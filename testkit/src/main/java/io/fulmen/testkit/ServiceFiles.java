package io.fulmen.testkit;

import java.util.ArrayList;
import java.util.List;

/** Reads {@code META-INF/services} files as {@code ServiceLoader} does: one class a line, {@code #} comments. */
final class ServiceFiles {
    private ServiceFiles() {}

    static List<String> providerClasses(String servicesFile) {
        List<String> classes = new ArrayList<>();
        for (String line : servicesFile.split("\\R")) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!name.isEmpty()) {
                classes.add(name);
            }
        }
        return classes;
    }
}
