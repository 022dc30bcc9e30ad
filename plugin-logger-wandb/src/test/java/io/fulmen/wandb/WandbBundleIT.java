package io.fulmen.wandb;

import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundle the build put into {@code plugins/}, loaded in its own class loader with its own protobuf-java. */
class WandbBundleIT {
    @TempDir
    Path root;

    @Test
    void theBundleWritesARunWithItsOwnProtobuf() throws Exception {
        Path zip = PluginTestKit.builtBundle();
        List<String> libs = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream().map(ZipEntry::getName).filter(n -> n.startsWith("lib/")).forEach(libs::add);
        }
        assertTrue(libs.stream().anyMatch(n -> n.matches("lib/protobuf-java-[0-9.]+\\.jar")), libs.toString());
        assertTrue(libs.stream().anyMatch(n -> n.startsWith("lib/fulmen-plugin-logger-wandb-")), libs.toString());
        assertFalse(libs.stream().anyMatch(n -> n.contains("fulmen-api") || n.contains("djl")), libs.toString());

        List<Object> experiments = new ArrayList<>();
        Callback grab = new Callback() {
            @Override
            public void onFitStart(TrainerView trainer, LightningModule module) {
                trainer.loggers().forEach(l -> experiments.add(l.experiment()));
            }
        };
        PluginTestKit.fitAsBundle(zip, root, b -> b.logger("wandb").option("wandb.save_dir", "wb").callbacks(grab));

        assertEquals(1, experiments.size());
        ClassLoader bundle = experiments.get(0).getClass().getClassLoader();
        assertNotSame(WandbRun.class.getClassLoader(), bundle, "the run comes from the bundle's class loader");
        Class<?> protobuf = Class.forName("com.google.protobuf.Message", false, bundle);
        assertSame(bundle, protobuf.getClassLoader(), "protobuf-java comes from the bundle's lib/");

        List<Path> folders = RunContents.runFolders(root.resolve("wb/wandb"));
        assertEquals(1, folders.size());
        RunContents run = RunContents.read(RunContents.log(folders.get(0)));
        assertEquals(0, run.exit().getExit().getExitCode());
        assertEquals(16, run.history().values().stream().filter(r -> r.containsKey("train_loss")).count());
    }
}
