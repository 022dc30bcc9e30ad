package io.fulmen.examples;

import com.example.fulmen.jsonl.JsonLinesLoggerProvider;
import io.fulmen.accelerator.cpu.CpuAcceleratorProvider;
import io.fulmen.mlflow.MlflowLoggerProvider;
import io.fulmen.runtime.Trainer;
import io.fulmen.tensorboard.TensorBoardLoggerProvider;
import io.fulmen.testkit.PackageDependencies;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

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
        PackageDependencies.assertUsesApiOnly(JsonLinesLoggerProvider.class);
    }

    @Test
    void theCheckFindsARuntimeDependency() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> PackageDependencies.assertUsesApiOnly(Quickstart.class));
        assertTrue(e.getMessage().contains("io.fulmen.runtime"), e.getMessage());
    }
}
