package io.fulmen.cli;

import io.fulmen.callback.Callback;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callbacks and loggers given by Java class name (LightningCLI's {@code class_path}/{@code init_args}), compiled
 * here into a {@code --classpath} folder, bound through {@code @HyperParameter} and used by a real fit.
 */
class ClassComponentsTest {
    private static final String CALLBACK = String.join("\n",
            "package com.acme;",
            "import io.fulmen.HyperParameter;",
            "import io.fulmen.LightningModule;",
            "import io.fulmen.TrainerView;",
            "import java.nio.file.Files;",
            "import java.nio.file.Path;",
            "public final class FitEndMarker implements io.fulmen.callback.Callback {",
            "    private final Path file;",
            "    private final String text;",
            "    public FitEndMarker(@HyperParameter(\"file\") Path file, @HyperParameter(\"text\") String text) {",
            "        this.file = file;",
            "        this.text = text;",
            "    }",
            "    @Override public void onFitEnd(TrainerView trainer, LightningModule module) {",
            "        try {",
            "            Files.writeString(file, text + \" at step \" + trainer.globalStep());",
            "        } catch (java.io.IOException e) {",
            "            throw new java.io.UncheckedIOException(e);",
            "        }",
            "    }",
            "}", "");
    private static final String LOGGER = String.join("\n",
            "package com.acme;",
            "import io.fulmen.HyperParameter;",
            "import java.nio.file.Files;",
            "import java.nio.file.Path;",
            "import java.nio.file.StandardOpenOption;",
            "import java.util.Map;",
            "public final class LinesLogger implements io.fulmen.spi.ExperimentLogger {",
            "    private final Path file;",
            "    public LinesLogger(@HyperParameter(\"file\") Path file) {",
            "        this.file = file;",
            "    }",
            "    @Override public String name() { return \"lines\"; }",
            "    @Override public String version() { return \"0\"; }",
            "    @Override public void logHyperparams(Map<String, Object> params) {}",
            "    @Override public synchronized void logMetrics(Map<String, Double> metrics, long step) {",
            "        try {",
            "            Files.writeString(file, step + \" \" + new java.util.TreeMap<>(metrics) + \"\\n\",",
            "                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);",
            "        } catch (java.io.IOException e) {",
            "            throw new java.io.UncheckedIOException(e);",
            "        }",
            "    }",
            "}", "");
    private static final String RUN = String.join("\n",
            "seed_everything: 5",
            "trainer:",
            "  max_epochs: 2",
            "  limit_train_batches: 3",
            "  limit_val_batches: 1",
            "  num_sanity_val_steps: 0",
            "  log_every_n_steps: 1",
            "  enable_progress_bar: false",
            "  enable_checkpointing: false",
            "model:",
            "  class_path: io.fulmen.examples.fashion.LitClassifier",
            "  init_args: {hidden: 16, lr: 0.001}",
            "data:",
            "  class_path: io.fulmen.examples.fashion.FashionMnistDataModule",
            "  init_args: {batch_size: 32, limit_samples: 200}",
            "");

    @TempDir
    Path work;
    Path classes;

    @BeforeEach
    void compile() throws IOException {
        Path src = Files.createDirectories(work.resolve("src/com/acme"));
        Files.writeString(src.resolve("FitEndMarker.java"), CALLBACK);
        Files.writeString(src.resolve("LinesLogger.java"), LOGGER);
        classes = Files.createDirectories(work.resolve("classes"));
        String api = Path.of(Callback.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d",
                classes.toString(), "-cp", api, src.resolve("FitEndMarker.java").toString(),
                src.resolve("LinesLogger.java").toString());
        assertEquals(0, status, "javac");
        Files.writeString(work.resolve("run.yaml"), RUN);
    }

    @Test
    void aFitUsesACallbackAndALoggerNamedByClassBesideAProviderByName() throws IOException {
        Path marker = work.resolve("marker.txt");
        Path lines = work.resolve("lines.txt");
        String callbacks = "--trainer.callbacks=[{class_path: com.acme.FitEndMarker, init_args: {file: '" + marker
                + "', text: done}}, learning_rate_monitor]";
        String loggers = "--trainer.logger=[{class_path: com.acme.LinesLogger, init_args: {file: '" + lines
                + "'}}, csv]";

        Result printed = fulmen("fit", "--config", work.resolve("run.yaml").toString(), "--classpath",
                classes.toString(), callbacks, loggers, "--print_config");
        assertEquals(0, printed.status, printed.toString());
        assertTrue(printed.out.contains("  logger:\n  - class_path: com.acme.LinesLogger\n    init_args:\n      file: "
                + lines + "\n  - name: csv\n"), printed.out);
        assertTrue(printed.out.contains("  callbacks:\n  - class_path: com.acme.FitEndMarker\n    init_args:\n"
                + "      file: " + marker + "\n      text: done\n  - name: learning_rate_monitor\n"), printed.out);

        Result fit = fulmen("fit", "--config", work.resolve("run.yaml").toString(), "--classpath",
                classes.toString(), callbacks, loggers, "--trainer.default_root_dir=" + work.resolve("root"));
        assertEquals(0, fit.status, fit.toString());
        assertEquals("done at step 6", Files.readString(marker));
        List<String> logged = Files.readAllLines(lines);
        assertTrue(logged.stream().anyMatch(l -> l.contains("train_loss=")), logged.toString());
        assertTrue(logged.stream().anyMatch(l -> l.contains("lr-Adam=")), logged.toString());
        assertTrue(Files.isRegularFile(work.resolve("root/fulmen_logs/version_0/metrics.csv")),
                "the csv logger named beside the class");
    }

    @Test
    void mistakesNameTheEntryTheClassAndTheClosestName() {
        String run = work.resolve("run.yaml").toString();
        Result unknownArg = fulmen("fit", "--config", run, "--classpath", classes.toString(),
                "--trainer.callbacks=[{class_path: com.acme.FitEndMarker, init_args: {file: x, txt: y}}]");
        assertEquals(Fulmen.USAGE, unknownArg.status, unknownArg.toString());
        assertTrue(unknownArg.err.contains("unknown key trainer.callbacks[0].init_args.txt: com.acme.FitEndMarker"
                + " takes file (path), text (str). Did you mean 'trainer.callbacks[0].init_args.text'?"),
                unknownArg.err);

        Result unknownClass = fulmen("fit", "--config", run, "--classpath", classes.toString(),
                "--trainer.callbacks=[com.acme.FitEndMarkr]");
        assertEquals(Fulmen.USAGE, unknownClass.status, unknownClass.toString());
        assertTrue(unknownClass.err.contains("trainer.callbacks[0].class_path: no class com.acme.FitEndMarkr"),
                unknownClass.err);
        assertTrue(unknownClass.err.contains("Did you mean 'com.acme.FitEndMarker'?"), unknownClass.err);

        Result wrongKind = fulmen("fit", "--config", run, "--classpath", classes.toString(),
                "--trainer.logger=[{class_path: com.acme.FitEndMarker, init_args: {file: x, text: y}}]");
        assertEquals(Fulmen.USAGE, wrongKind.status, wrongKind.toString());
        assertTrue(wrongKind.err.contains("trainer.logger[0].class_path: com.acme.FitEndMarker is not an"
                + " ExperimentLogger"), wrongKind.err);

        Result unknownName = fulmen("fit", "--config", run, "--trainer.callbacks=[early_stoping]");
        assertTrue(unknownName.err.contains("Did you mean 'early_stopping'?")
                && unknownName.err.contains("a class is named with its package"), unknownName.err);
    }

    private record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }

    private static Result fulmen(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Fulmen.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
