package io.fulmen.testkit;

import org.apiguardian.api.API;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * Architecture checks on compiled classes, read with the JDK's {@code jdeps}: a plugin uses the Fulmen api and
 * nothing of the runtime, and a code base's packages form no cycle.
 *
 * <pre>{@code
 * @Test void myPluginNeedsOnlyTheApi() {
 *     PackageDependencies.assertUsesApiOnly(MyLoggerProvider.class);
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class PackageDependencies {
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)");
    private static final String RUNTIME = "io.fulmen.runtime";

    private PackageDependencies() {}

    /**
     * The package graph of the jar or classes folder holding {@code anyClass}: each package whose name starts with
     * {@code prefix} and the packages it uses (itself excluded), sorted.
     */
    public static Map<String, Set<String>> graph(Class<?> anyClass, String prefix) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : jdeps(location(anyClass)).split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && m.group(1).startsWith(prefix)) {
                Set<String> uses = graph.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (!m.group(2).equals(m.group(1))) {
                    uses.add(m.group(2));
                }
            }
        }
        if (graph.isEmpty()) {
            throw new AssertionError("jdeps found no package starting with " + prefix + " in "
                    + location(anyClass));
        }
        return graph;
    }

    /** Fails naming the classes' packages that use {@code io.fulmen.runtime}: plugins may use the api only. */
    public static void assertUsesApiOnly(Class<?> pluginClass) {
        Map<String, Set<String>> offending = new LinkedHashMap<>();
        graph(pluginClass, "").forEach((from, uses) -> uses.stream().filter(u -> u.startsWith(RUNTIME))
                .forEach(u -> offending.computeIfAbsent(from, k -> new TreeSet<>()).add(u)));
        if (!offending.isEmpty()) {
            throw new AssertionError("the plugin of " + pluginClass.getName() + " uses the runtime, which plugins "
                    + "must not (they are written against fulmen-api alone): " + offending);
        }
    }

    /** Fails naming a cycle when the packages under {@code prefix} of {@code anyClass}'s code base form one. */
    public static void assertAcyclic(Class<?> anyClass, String prefix) {
        Map<String, Set<String>> graph = graph(anyClass, prefix);
        Set<String> done = new LinkedHashSet<>();
        for (String start : graph.keySet()) {
            List<String> cycle = findCycle(start, graph, new ArrayList<>(), done);
            if (cycle != null) {
                throw new AssertionError("package cycle: " + String.join(" -> ", cycle));
            }
        }
    }

    private static List<String> findCycle(String node, Map<String, Set<String>> graph, List<String> path,
                                          Set<String> done) {
        int at = path.indexOf(node);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node)) {
            return null;
        }
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (graph.containsKey(next)) {
                List<String> cycle = findCycle(next, graph, path, done);
                if (cycle != null) {
                    return cycle;
                }
            }
        }
        path.remove(path.size() - 1);
        done.add(node);
        return null;
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("cannot tell where " + c.getName() + " was loaded from", e);
        }
    }

    private static String jdeps(Path classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() ->
                new IllegalStateException("jdeps is not available: run the tests on a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none",
                classes.toString());
        if (code != 0) {
            throw new IllegalStateException("jdeps failed on " + classes + " (exit " + code + "): " + err);
        }
        return out.toString();
    }
}
