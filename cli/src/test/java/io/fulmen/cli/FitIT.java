package io.fulmen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real runs of {@code bin/fulmen} on a few hundred Fashion-MNIST images: fit from YAML with overrides, a logger and
 * a callback from the TensorBoard bundle, the saved configuration reproducing the run, then test from the checkpoint.
 */
class FitIT {
    private static final String RUN = String.join("\n",
            "seed_everything: 7",
            "trainer:",
            "  max_epochs: 1",
            "  limit_train_batches: 4",
            "  limit_val_batches: 2",
            "  num_sanity_val_steps: 0",
            "  enable_progress_bar: false",
            "  logger: [csv, {name: tensorboard, flush_secs: 1}]",
            "  callbacks:",
            "    - {name: histogram, every_n_steps: 1}",
            "    - {class_path: early_stopping, init_args: {monitor: val_loss, patience: 3}}",
            "model:",
            "  class_path: io.fulmen.examples.fashion.LitClassifier",
            "  init_args: {hidden: 32, lr: 0.01}",
            "data:",
            "  class_path: io.fulmen.examples.fashion.FashionMnistDataModule",
            "  init_args: {batch_size: 32, limit_samples: 600}",
            "");

    @TempDir
    Path work;

    @Test
    void fitsFromYamlWithOverridesSavesTheConfigAndItsRerunGivesTheSameResult() throws Exception {
        Files.writeString(work.resolve("run.yaml"), RUN);
        String[] fit = {"fit", "--config", "run.yaml", "--trainer.default_root_dir=" + work.resolve("root"),
            "--model.lr=1e-3", "--data.batch_size", "64"};

        Distribution.Result printed = Distribution.fulmen(work, withPrintConfig(fit));
        assertEquals(0, printed.exitCode(), printed.toString());
        assertTrue(printed.out().contains("    lr: 0.001\n") && printed.out().contains("    batch_size: 64\n")
                && printed.out().contains("  max_epochs: 1\n"), printed.out());

        Distribution.Result first = Distribution.fulmen(work, fit);
        assertEquals(0, first.exitCode(), first.toString());
        String result = first.line("fit: ");
        assertTrue(result.contains(" val_loss="), result);
        Path saved = Path.of(first.line("config: ").substring("config: ".length()));
        assertEquals(work.resolve("root/fulmen_logs/version_0/config.yaml"), saved);
        assertEquals(printed.out(), Files.readString(saved), "the saved config.yaml is what --print_config prints");

        // the TensorBoard logger and the histogram callback came from the bundle in plugins/
        try (Stream<Path> files = Files.list(saved.getParent())) {
            List<Path> events = files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents"))
                    .toList();
            assertEquals(1, events.size(), saved.getParent().toString());
            String written = new String(Files.readAllBytes(events.get(0)), StandardCharsets.ISO_8859_1);
            assertTrue(written.contains("weights/"), "histogram callback wrote no weights/ histograms");
        }
        assertTrue(Files.isRegularFile(saved.resolveSibling("metrics.csv")), "csv logger wrote no metrics.csv");

        Distribution.Result again = Distribution.fulmen(work, "fit", "--config", saved.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(result, again.line("fit: "), "the saved configuration reproduces the run");

        Path checkpoint;
        try (Stream<Path> files = Files.list(saved.resolveSibling("checkpoints"))) {
            checkpoint = files.filter(f -> f.toString().endsWith(".ckpt")).findFirst().orElseThrow();
        }
        Distribution.Result test = Distribution.fulmen(work, "test", "--config", saved.toString(),
                "--ckpt_path=" + checkpoint, "--trainer.logger=false", "--trainer.callbacks=[]");
        assertEquals(0, test.exitCode(), test.toString());
        assertTrue(test.line("test: ").matches("test: test_acc=0\\.\\d+ test_loss=\\d+\\.\\d+"), test.toString());
    }

    @Test
    void theFashionMnistExampleRunsFromTheDistribution() throws Exception {
        Path config = Distribution.home().resolve("examples/fashion-mnist.yaml");
        Distribution.Result r = Distribution.fulmen(work, "fit", "--config", config.toString(),
                "--trainer.max_epochs=1", "--trainer.limit_train_batches=5", "--trainer.limit_val_batches=2",
                "--data.limit_samples=1000", "--trainer.enable_progress_bar=false");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.line("fit: ").contains(" val_acc="), r.toString());
        assertTrue(r.err().contains("Fashion-MNIST: using"), r.toString());
    }

    @Test
    void aRunThatFailsExitsWithStatusOne() throws Exception {
        Files.writeString(work.resolve("run.yaml"), RUN);
        Distribution.Result r = Distribution.fulmen(work, "validate", "--config", "run.yaml",
                "--data.data_dir=" + work.resolve("no-such-folder"), "--trainer.logger=false");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no-such-folder"), r.toString());
    }

    private static String[] withPrintConfig(String[] args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = "--print_config";
        return out;
    }
}
