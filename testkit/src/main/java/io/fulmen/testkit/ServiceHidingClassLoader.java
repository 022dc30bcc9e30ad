package io.fulmen.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * A class loader that sees everything its parent sees except the {@code META-INF/services} files naming one of a
 * set of provider classes. A plugin's own tests have its classes on the class path; hiding their registrations
 * there makes {@code ServiceLoader} skip them, so the only copy a registry finds is the one in the bundle.
 */
final class ServiceHidingClassLoader extends ClassLoader {
    private static final String SERVICES = "META-INF/services/";

    private final Set<String> hidden;

    ServiceHidingClassLoader(ClassLoader parent, Set<String> hiddenProviderClasses) {
        super("fulmen-testkit-without-" + hiddenProviderClasses.size() + "-providers", parent);
        this.hidden = Set.copyOf(hiddenProviderClasses);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        Enumeration<URL> all = super.getResources(name);
        if (!name.startsWith(SERVICES)) {
            return all;
        }
        List<URL> kept = new ArrayList<>();
        for (URL url : Collections.list(all)) {
            if (!namesHiddenProvider(url)) {
                kept.add(url);
            }
        }
        return Collections.enumeration(kept);
    }

    @Override
    public URL getResource(String name) {
        try {
            Enumeration<URL> found = getResources(name);
            return found.hasMoreElements() ? found.nextElement() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean namesHiddenProvider(URL servicesFile) throws IOException {
        try (InputStream in = servicesFile.openStream()) {
            return ServiceFiles.providerClasses(new String(in.readAllBytes(), StandardCharsets.UTF_8)).stream()
                    .anyMatch(hidden::contains);
        }
    }
}
