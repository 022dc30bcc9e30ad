package io.fulmen.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.LogOptions;
import io.fulmen.data.DataLoader;
import io.fulmen.data.TensorDataset;
import io.fulmen.nn.Losses;
import io.fulmen.nn.Metrics;
import io.fulmen.optim.Adam;
import io.fulmen.optim.OptimizerConfig;
import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.plugin.PluginRegistry;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Runs a short, real fit (a small MLP on synthetic data, DJL's PyTorch engine on the CPU) so a plugin author can
 * check their plugin end to end in a unit test:
 *
 * <pre>{@code
 * Map<String, Double> metrics = PluginTestKit.fit(tempDir, b -> b.logger("jsonl"));
 * }</pre>
 *
 * The builder comes with quiet defaults (no progress bar, summary or checkpoints, seed 1, 2 epochs of 8 batches);
 * {@code customize} adds the plugin under test by name or instance, or changes anything else.
 *
 * <p>{@link #fitAsBundle} runs the same fit with the plugin loaded the way a user of the distribution loads it: its
 * built bundle zip in a fresh plugins folder, in its own class loader, with the class-path copy of the plugin
 * hidden. A plugin that passes {@link #fit} but misses a library in its bundle's {@code lib/}, or a
 * {@code plugin.properties} the runtime accepts, fails there:
 *
 * <pre>{@code
 * // src/test/java/.../MyLoggerBundleIT.java, run by maven-failsafe-plugin after package built the zip
 * PluginTestKit.fitAsBundle(PluginTestKit.builtBundle(), tempDir, b -> b.logger("mine"));
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class PluginTestKit {
    /** The system property naming the bundle zip {@link #builtBundle()} returns. */
    public static final String BUNDLE_PROPERTY = "fulmen.bundle";

    private PluginTestKit() {}

    /**
     * Fits, validates and returns the Trainer's callback metrics ({@code train_loss}, {@code val_loss},
     * {@code val_acc}).
     *
     * @param rootDir   the Trainer's root folder (logs, and whatever the plugin writes there)
     * @param customize adds the plugin under test to the kit's builder
     * @return the callback metrics after the fit
     */
    public static Map<String, Double> fit(Path rootDir, UnaryOperator<TrainerBuilder> customize) {
        TrainerBuilder builder = Trainer.builder().defaultRootDir(rootDir).maxEpochs(2).seed(1).logEveryNSteps(1)
                .enableProgressBar(false).enableModelSummary(false).enableCheckpointing(false);
        try (Trainer trainer = customize.apply(builder).build(); TinyClassifier model = new TinyClassifier()) {
            trainer.fit(model, loader(256, 1), loader(64, 2));
            return trainer.view().callbackMetrics();
        }
    }

    /**
     * As {@link #fit}, with the plugin loaded from its bundle: {@code bundleZip} is copied into a new plugins folder
     * under {@code rootDir} and discovered there by a {@link PluginRegistry} whose class path does not show the
     * bundle's providers (so the class-path copy a plugin's own tests have cannot stand in for the bundle). Fails
     * before fitting when the zip is not a bundle, registers no provider, does not load, or any of its providers is
     * missing from the registry; the registry is closed (the bundle unloaded) afterwards.
     *
     * @param bundleZip the plugin's built bundle, e.g. {@link #builtBundle()}
     * @param rootDir   the Trainer's root folder; the plugins folder {@code plugins-under-test} is made in it
     * @param customize asks for the plugin under test by name, as a user of the bundle would
     * @return the callback metrics after the fit
     */
    public static Map<String, Double> fitAsBundle(Path bundleZip, Path rootDir,
                                                  UnaryOperator<TrainerBuilder> customize) {
        BundleUnderTest bundle = BundleUnderTest.read(bundleZip);
        Path plugins = bundle.installInto(rootDir.resolve("plugins-under-test"));
        ClassLoader application = PluginTestKit.class.getClassLoader();
        ClassLoader withoutPlugin = new ServiceHidingClassLoader(application, bundle.providerClasses());
        try (PluginRegistry registry = PluginRegistry.discover(withoutPlugin, plugins)) {
            bundle.assertLoaded(registry, application);
            return fit(rootDir, b -> customize.apply(b.plugins(registry)));
        }
    }

    /**
     * The bundle zip the plugin's build made: the file named by the system property {@value #BUNDLE_PROPERTY},
     * else the only {@code *.zip} in {@code target/} (a Maven build's output folder, relative to the working
     * directory, which Maven sets to the module's folder).
     *
     * @return the path of the bundle zip
     * @throws IllegalStateException when there is no such file, or {@code target/} holds several zips
     */
    public static Path builtBundle() {
        String named = System.getProperty(BUNDLE_PROPERTY);
        if (named != null && !named.isBlank()) {
            Path zip = Path.of(named);
            if (!Files.isRegularFile(zip)) {
                throw new IllegalStateException(BUNDLE_PROPERTY + "=" + named + " is not a file: build the bundle "
                        + "first (package phase)");
            }
            return zip;
        }
        Path target = Path.of("target");
        List<Path> zips;
        try (Stream<Path> files = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
            zips = files.filter(f -> f.getFileName().toString().endsWith(".zip")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target.toAbsolutePath(), e);
        }
        if (zips.size() != 1) {
            throw new IllegalStateException("expected one bundle zip in " + target.toAbsolutePath() + ", found "
                    + zips + ": run bundle tests after package (maven-failsafe-plugin, *IT classes), or set -D"
                    + BUNDLE_PROPERTY + "=<zip>");
        }
        return zips.get(0);
    }

    /** Blobs: the class is the index of the largest of the first four of eight features. */
    static DataLoader loader(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 8];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int f = 0; f < 8; f++) {
                x[i * 8 + f] = (float) rng.nextGaussian();
                if (f < 4 && x[i * 8 + f] > x[i * 8 + best]) {
                    best = f;
                }
            }
            y[i] = best;
        }
        return DataLoader.of(TensorDataset.builder().data(x, new Shape(8)).labels(y).build()).batchSize(32).build();
    }

    /** The kit's model: 8 → 16 → 4, Adam 1e-2. */
    public static final class TinyClassifier extends LightningModule {
        private final Block net = new SequentialBlock().add(Linear.builder().setUnits(16).build())
                .add(Activation::relu).add(Linear.builder().setUnits(4).build());

        /** Builds the untrained model and records its hyperparameters. */
        public TinyClassifier() {
            saveHyperparameters("hidden", 16, "lr", 0.01);
        }

        @Override
        public Block block() {
            return net;
        }

        @Override
        public NDArray trainingStep(Batch batch, int batchIdx) {
            NDArray loss = Losses.crossEntropy(forward(batch.getData()).head(), batch.getLabels().head());
            log("train_loss", loss, LogOptions.progBar());
            return loss;
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            NDArray logits = forward(batch.getData()).head();
            log("val_loss", Losses.crossEntropy(logits, batch.getLabels().head()));
            log("val_acc", Metrics.accuracy(logits, batch.getLabels().head()));
        }

        @Override
        public OptimizerConfig configureOptimizers() {
            return OptimizerConfig.of(Adam.builder().lr(1e-2f).build());
        }
    }
}
