package io.fulmen.cli;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the classes {@code model.class_path} and {@code data.class_path} name, on the application's classpath and
 * the jars of {@code --classpath}. A name not found is answered with the class of the closest simple name.
 */
final class ClassLocator {
    private final ClassLoader loader;
    private final List<Path> searched = new ArrayList<>();

    private ClassLocator(ClassLoader loader, List<Path> searched) {
        this.loader = loader;
        this.searched.addAll(searched);
    }

    /** The application's classes plus those of {@code classpath} ({@link File#pathSeparator}-separated; may be null). */
    static ClassLocator of(String classpath) {
        List<Path> extra = new ArrayList<>();
        if (classpath != null && !classpath.isBlank()) {
            for (String entry : classpath.split(File.pathSeparator)) {
                Path p = Path.of(entry.trim());
                if (!Files.exists(p)) {
                    throw new UsageException("--classpath: " + p + " does not exist");
                }
                extra.add(p.toAbsolutePath());
            }
        }
        ClassLoader parent = ClassLocator.class.getClassLoader();
        ClassLoader loader = extra.isEmpty() ? parent : new URLClassLoader(extra.stream().map(ClassLocator::url)
                .toArray(URL[]::new), parent);
        List<Path> searched = new ArrayList<>(extra);
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                searched.add(Path.of(entry));
            }
        }
        return new ClassLocator(loader, searched);
    }

    ClassLoader loader() {
        return loader;
    }

    /**
     * The class {@code name} ({@code a.b.Outer$Inner} or {@code a.b.Outer.Inner}), checked to be a {@code kind};
     * {@code key} names the configuration key in messages.
     */
    <T> Class<? extends T> load(String key, String name, Class<T> kind) {
        Class<?> found = find(name.trim());
        if (found == null) {
            throw new UsageException(key + ": no class " + name + " on the classpath (lib/ and --classpath)."
                    + closest(name.trim()));
        }
        if (!kind.isAssignableFrom(found)) {
            String article = "AEIOU".indexOf(kind.getSimpleName().charAt(0)) >= 0 ? " is not an " : " is not a ";
            throw new UsageException(key + ": " + found.getName() + article + kind.getSimpleName());
        }
        return found.asSubclass(kind);
    }

    private Class<?> find(String name) {
        String candidate = name;
        while (true) {
            try {
                return Class.forName(candidate, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    return null;
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            }
        }
    }

    /** " Did you mean 'x.y.Z'?" for the class whose simple name is closest, scanning the classpath once. */
    private String closest(String name) {
        String simple = simpleName(name);
        Map<String, String> bySimpleName = new HashMap<>();
        for (Path entry : searched) {
            classNames(entry).forEach(c -> bySimpleName.putIfAbsent(simpleName(c), c));
        }
        String hint = Names.didYouMean(simple, bySimpleName.keySet());
        if (hint.isEmpty()) {
            return bySimpleName.containsKey(simple) ? " Did you mean '" + bySimpleName.get(simple) + "'?" : "";
        }
        String match = hint.substring(hint.indexOf('\'') + 1, hint.lastIndexOf('\''));
        return " Did you mean '" + bySimpleName.get(match) + "'?";
    }

    private static String simpleName(String className) {
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }

    private static List<String> classNames(Path entry) {
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(entry)) {
            try (Stream<Path> files = Files.walk(entry)) {
                files.map(p -> entry.relativize(p).toString().replace(File.separatorChar, '/'))
                        .forEach(p -> addClass(p, out));
            } catch (IOException e) {
                return out;
            }
        } else if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
            try (JarFile jar = new JarFile(entry.toFile())) {
                jar.stream().forEach(e -> addClass(e.getName(), out));
            } catch (IOException e) {
                return out;
            }
        }
        return out;
    }

    private static void addClass(String resource, List<String> out) {
        if (resource.endsWith(".class") && !resource.contains("-") && !resource.matches(".*\\$\\d.*")) {
            out.add(resource.substring(0, resource.length() - ".class".length()).replace('/', '.'));
        }
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new UsageException("--classpath: " + p + " is not a valid location", e);
        }
    }
}
