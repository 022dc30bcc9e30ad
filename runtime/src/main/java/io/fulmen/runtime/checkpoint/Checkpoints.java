package io.fulmen.runtime.checkpoint;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fulmen.LightningModule;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Modules from checkpoints and checkpoints for DJL: Lightning's {@code load_from_checkpoint}, and a weights export
 * DJL's own {@code Model.load} reads (for DJL Serving or a DJL Predictor).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Checkpoints {
    private Checkpoints() {}

    /** Rebuilds a module from its saved hyperparameters and weights. */
    public static <T extends LightningModule> T loadFromCheckpoint(Class<T> type, Path file) {
        return loadFromCheckpoint(type, file, Map.of());
    }

    /**
     * Rebuilds a module with the constructor whose parameters are all annotated {@link io.fulmen.HyperParameter}
     * (else one taking a record of them), from the hyperparameters saved in {@code file} with {@code overrides} on
     * top; its parameters take the saved weights
     * when they are created (from the first batch's shapes, as always).
     */
    public static <T extends LightningModule> T loadFromCheckpoint(Class<T> type, Path file,
                                                                   Map<String, ?> overrides) {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Mapped: the saved values are copied once, from the page cache, into the module's deferred initialisers.
            Checkpoint ckpt = CheckpointReader.map(file, manager);
            JsonObject hp = ckpt.manifest().getAsJsonObject("hyper_parameters");
            Map<String, Object> values = new HashMap<>();
            if (hp != null) {
                for (Map.Entry<String, JsonElement> e : hp.entrySet()) {
                    values.put(e.getKey(), e.getValue());
                }
            }
            values.putAll(overrides);
            T module = ModuleFactory.construct(type, values, file.toString());
            SavedWeights.assignOrDefer(module.block().getParameters(), ckpt, file.toString());
            return module;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@link io.fulmen.HyperParameter} names of {@code module}'s constructor that it did not save: without
     * them {@link #loadFromCheckpoint} cannot rebuild it (overrides aside).
     */
    public static List<String> unsavedHyperparameters(LightningModule module) {
        return ModuleFactory.unsaved(module.getClass(), module.hparams());
    }

    /**
     * Writes the module's parameters in DJL's own format ({@code <dir>/<name>-0000.params}), readable with
     * {@code Model.newInstance(name); model.setBlock(sameBlock); model.load(dir, name)}.
     */
    public static Path exportForDjl(LightningModule module, Path dir, String name) {
        if (!module.block().isInitialized()) {
            throw new IllegalStateException("the module's block is not initialised as a whole: DJL saves a block "
                    + "with its input shapes, so run block() itself once (fit, validate, test or predict) first");
        }
        try (Model model = Model.newInstance(name)) {
            model.setBlock(module.block());
            model.save(dir, name);
            return dir.resolve(String.format("%s-%04d.params", name, 0));
        } catch (IOException e) {
            throw new UncheckedIOException("could not export " + name + " to " + dir + ": " + e.getMessage(), e);
        }
    }
}
