package io.fulmen.examples;

import com.example.fulmen.jsonl.JsonLinesLoggerProvider;
import io.fulmen.LightningModule;
import io.fulmen.accelerator.cpu.CpuAcceleratorProvider;
import io.fulmen.ddp.collective.Collectives;
import io.fulmen.datasets.IdxReader;
import io.fulmen.metrics.Accuracy;
import io.fulmen.mlflow.MlflowLoggerProvider;
import io.fulmen.runtime.Trainer;
import io.fulmen.tensorboard.TensorBoardLoggerProvider;
import io.fulmen.wandb.WandbLoggerProvider;
import io.fulmen.testkit.PackageDependencies;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules the module layout promises, checked on the compiled classes. */
class ArchitectureTest {
    @Test
    void theRuntimesPackagesFormNoCycle() {
        PackageDependencies.assertAcyclic(Trainer.class, "io.fulmen.runtime");
        Map<String, Set<String>> graph = PackageDependencies.graph(Trainer.class, "io.fulmen.runtime");
        assertTrue(graph.get("io.fulmen.runtime").contains("io.fulmen.runtime.loop"), graph.toString());
        System.out.println("[ArchitectureTest] runtime package graph:");
        graph.forEach((from, uses) -> System.out.println("  " + from + " -> " + uses.stream()
                .filter(u -> u.startsWith("io.fulmen.runtime")).toList()));
    }

    @Test
    void everyPluginUsesTheApiOnly() {
        PackageDependencies.assertUsesApiOnly(CpuAcceleratorProvider.class);
        PackageDependencies.assertUsesApiOnly(TensorBoardLoggerProvider.class);
        PackageDependencies.assertUsesApiOnly(MlflowLoggerProvider.class);
        PackageDependencies.assertUsesApiOnly(WandbLoggerProvider.class);
        PackageDependencies.assertUsesApiOnly(JsonLinesLoggerProvider.class);
        PackageDependencies.assertUsesApiOnly(Collectives.class);
    }

    /** fulmen-data sits beside the runtime: a project reading its data needs the api only, no runtime, no plugin. */
    @Test
    void theDatasetReadersUseTheApiOnly() {
        PackageDependencies.assertUsesApiOnly(IdxReader.class);
        Set<String> apiPackages = PackageDependencies.graph(LightningModule.class, "io.fulmen").keySet();
        Map<String, Set<String>> graph = PackageDependencies.graph(IdxReader.class, "io.fulmen");
        assertEquals(Set.of("io.fulmen.datasets"), graph.keySet(), "fulmen-data holds one package");
        Set<String> outsideTheApi = new TreeSet<>();
        graph.get("io.fulmen.datasets").stream()
                .filter(u -> (u.startsWith("io.fulmen") || u.startsWith("com.example")) && !apiPackages.contains(u))
                .forEach(outsideTheApi::add);
        assertEquals(Set.of(), outsideTheApi, "io.fulmen.datasets uses Fulmen packages outside fulmen-api");
        assertTrue(graph.get("io.fulmen.datasets").contains("io.fulmen.data"), graph.toString());
    }

    /** fulmen-metrics sits beside the runtime too: a module logging metrics compiles against the api only. */
    @Test
    void theMetricsUseTheApiOnly() {
        PackageDependencies.assertUsesApiOnly(Accuracy.class);
        Set<String> apiPackages = PackageDependencies.graph(LightningModule.class, "io.fulmen").keySet();
        Map<String, Set<String>> graph = PackageDependencies.graph(Accuracy.class, "io.fulmen");
        assertEquals(Set.of("io.fulmen.metrics"), graph.keySet(), "fulmen-metrics holds one package");
        Set<String> outsideTheApi = new TreeSet<>();
        graph.get("io.fulmen.metrics").stream()
                .filter(u -> u.startsWith("io.fulmen") && !u.equals("io.fulmen.metrics") && !apiPackages.contains(u))
                .forEach(outsideTheApi::add);
        assertEquals(Set.of(), outsideTheApi, "io.fulmen.metrics uses Fulmen packages outside fulmen-api");
    }

    @Test
    void everyPublicTypeOfTheApiTheRuntimeTheDataAndTheMetricsModulesStatesItsStability() throws Exception {
        List<String> unmarked = new ArrayList<>();
        int checked = 0;
        for (Class<?> anchor : List.of(LightningModule.class, Trainer.class, IdxReader.class, Accuracy.class)) {
            for (String name : classNames(anchor)) {
                Class<?> c = Class.forName(name, false, anchor.getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && c.getEnclosingClass() == null
                        && !c.getSimpleName().equals("package-info")) {
                    checked++;
                    if (!c.isAnnotationPresent(API.class)) {
                        unmarked.add(name);
                    }
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " public types found");
        assertEquals(List.of(), unmarked, "public types without @API(status = …)");
    }

    /** The classes in the jar or folder {@code anchor} was loaded from. */
    private static List<String> classNames(Class<?> anchor) throws Exception {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.filter(f -> f.toString().endsWith(".class")).forEach(f -> names.add(
                        location.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "")));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class"))
                        .forEach(n -> names.add(n.replace('/', '.').replaceAll("\\.class$", "")));
            }
        }
        names.removeIf(n -> n.contains("$") || n.endsWith("module-info"));
        return names;
    }

    @Test
    void theCheckFindsARuntimeDependency() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> PackageDependencies.assertUsesApiOnly(Quickstart.class));
        assertTrue(e.getMessage().contains("io.fulmen.runtime"), e.getMessage());
    }
}
