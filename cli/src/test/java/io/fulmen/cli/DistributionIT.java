package io.fulmen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assembled distribution: its layout, {@code fulmen plugins}, the help, and the usage errors (exit status 2). */
class DistributionIT {
    private static final String CONFIG = Path.of(System.getProperty("fulmen.repo", "..")).resolve(
            "examples/fashion-mnist.yaml").toString();

    @TempDir
    Path work;

    @Test
    void layoutHoldsTheScriptTheLibrariesTheBundlesAndTheArchive() {
        Path home = Distribution.home();
        assertTrue(Files.isExecutable(home.resolve("bin/fulmen")));
        assertTrue(Files.isRegularFile(home.resolve("lib/fulmen-runtime-0.1.0-SNAPSHOT.jar")));
        assertTrue(Files.isRegularFile(home.resolve("plugins/fulmen-plugin-logger-tensorboard.zip")));
        assertTrue(Files.isRegularFile(home.resolve("plugins/fulmen-plugin-accelerator-cuda.zip")));
        assertFalse(Files.exists(home.resolve("lib/fulmen-plugin-accelerator-cuda-0.1.0-SNAPSHOT.jar")));
        assertTrue(Files.isRegularFile(home.resolve("examples/fashion-mnist.yaml")));
        assertTrue(Files.isRegularFile(home.resolveSibling(home.getFileName() + ".tar.gz")));
    }

    @Test
    void pluginsListsEveryProviderWithItsOriginAndOptions() throws Exception {
        Distribution.Result r = Distribution.fulmen(work, "plugins");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().matches("(?s).*accelerator\\s+cpu\\s+available\\s+classpath:.*"), r.toString());
        assertTrue(r.out().matches("(?s).*logger\\s+tensorboard.*bundle fulmen-logger-tensorboard@0\\.1\\.0.*"),
                r.toString());
        assertTrue(r.out().contains("option histogram.every_n_steps (int, default 100)"), r.toString());
        assertTrue(r.out().matches("(?s).*accelerator\\s+cuda.*unavailable.*bundle fulmen-accelerator-cuda@0\\.1\\.0.*"),
                r.toString());
    }

    @Test
    void helpOfEverySubcommandComesFromTheTrainerArguments() throws Exception {
        Distribution.Result top = Distribution.fulmen(work, "--help");
        assertEquals(0, top.exitCode(), top.toString());
        for (String stage : CommandLines.STAGES) {
            assertTrue(top.out().contains("  " + stage + " "), top.toString());
        }
        Distribution.Result fit = Distribution.fulmen(work, "fit", "--help");
        assertEquals(0, fit.exitCode(), fit.toString());
        for (TrainerArgument a : TrainerArguments.ALL) {
            assertTrue(fit.out().contains("--trainer." + a.name() + "=<"), "--trainer." + a.name() + "\n" + fit);
        }
        assertTrue(fit.out().contains("--print_config") && fit.out().contains("--model.class_path"), fit.toString());
    }

    @Test
    void classesComeFromClasspathFoldersAndBindThroughHyperParameters() throws Exception {
        Path source = Files.createDirectories(work.resolve("src/com/example"))
                .resolve("Digits.java");
        Files.writeString(source, String.join("\n",
                "package com.example;",
                "import io.fulmen.HyperParameter;",
                "import io.fulmen.examples.fashion.FashionMnistDataModule;",
                "public final class Digits extends io.fulmen.LightningDataModule {",
                "    private final FashionMnistDataModule data;",
                "    public Digits(@HyperParameter(\"batchSize\") int batchSize, @HyperParameter(\"kind\") Kind kind) {",
                "        this.data = FashionMnistDataModule.builder().batchSize(batchSize).build();",
                "    }",
                "    public enum Kind { SMALL, LARGE }",
                "    @Override public io.fulmen.data.DataLoader trainDataloader() { return data.trainDataloader(); }",
                "}", ""));
        Path classes = Files.createDirectories(work.resolve("classes"));
        int compiled = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d",
                classes.toString(), "-cp", libraries(), source.toString());
        assertEquals(0, compiled, "javac");

        Distribution.Result r = Distribution.fulmen(work, "fit", "--config", CONFIG, "--classpath",
                classes.toString(), "--data.class_path=com.example.Digits", "--data.init_args={batch_size: 16,"
                        + " kind: large}", "--print_config");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("data:\n  class_path: com.example.Digits\n  init_args:\n    batch_size: 16\n"
                + "    kind: LARGE\n"), r.toString());
    }

    @Test
    void anUnknownKeyIsAUsageErrorNamingWhatExists() throws Exception {
        Distribution.Result r = Distribution.fulmen(work, "fit", "--config", CONFIG, "--trainer.max_epoch=3");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown key trainer.max_epoch. Did you mean 'trainer.max_epochs'?"), r.toString());
        assertTrue(r.err().contains("Trainer arguments: accelerator, strategy, devices"), r.toString());
    }

    @Test
    void aValueOfTheWrongTypeIsAUsageErrorNamingKeyAndType() throws Exception {
        Distribution.Result r = Distribution.fulmen(work, "fit", "--config", CONFIG, "--trainer.max_epochs", "abc");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("trainer.max_epochs: expected int, got 'abc' (string)"), r.toString());

        Distribution.Result model = Distribution.fulmen(work, "fit", "--config", CONFIG, "--model.lr=fast");
        assertEquals(2, model.exitCode(), model.toString());
        assertTrue(model.err().contains("model.init_args.lr: expected float, got 'fast' (string)"), model.toString());
    }

    @Test
    void anUnknownClassOrOptionIsAUsageErrorWithTheClosestName() throws Exception {
        Distribution.Result cls = Distribution.fulmen(work, "fit", "--config", CONFIG,
                "--model.class_path=io.fulmen.examples.fashion.LitClasifier");
        assertEquals(2, cls.exitCode(), cls.toString());
        assertTrue(cls.err().contains("Did you mean 'io.fulmen.examples.fashion.LitClassifier'?"), cls.toString());

        Distribution.Result option = Distribution.fulmen(work, "fit", "--config", CONFIG,
                "--trainer.callbacks=[{name: early_stopping, patiense: 3}]");
        assertEquals(2, option.exitCode(), option.toString());
        assertTrue(option.err().contains("unknown key trainer.callbacks[0].patiense: early_stopping takes monitor,"),
                option.toString());
        assertTrue(option.err().contains("Did you mean 'trainer.callbacks[0].patience'?"), option.toString());
    }

    private static String libraries() throws java.io.IOException {
        try (java.util.stream.Stream<Path> jars = Files.list(Distribution.home().resolve("lib"))) {
            return String.join(java.io.File.pathSeparator, jars.map(Path::toString).toList());
        }
    }
}
