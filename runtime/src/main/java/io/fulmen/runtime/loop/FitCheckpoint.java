package io.fulmen.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fulmen.LightningOptimizer;
import io.fulmen.callback.Callback;
import io.fulmen.optim.OptimizerState;
import io.fulmen.runtime.checkpoint.Checkpoint;
import io.fulmen.runtime.checkpoint.SavedWeights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a fit checkpoint holds and how it is put back: model parameters, optimizer state, schedules, loop progress
 * down to the batch inside the epoch, callback and precision state, hyperparameters. Tensor names are
 * {@code model/<parameter path>}, {@code optimizer/<index>/<parameter path>/<buffer>} and
 * {@code callback/<state key>/<name>}.
 */
final class FitCheckpoint {
    static final String MODEL = SavedWeights.MODEL;
    static final String OPTIMIZER = "optimizer/";
    static final String CALLBACK = "callback/";
    private static final Gson GSON = new Gson();
    private static final Logger LOG = LoggerFactory.getLogger(FitCheckpoint.class);

    private FitCheckpoint() {}

    static Checkpoint capture(RunContext run, Optimization optimization, FitProgress p, boolean weightsOnly,
                              NDManager scratch) {
        JsonObject m = new JsonObject();
        m.addProperty("fulmen_version", FitCheckpoint.class.getPackage().getImplementationVersion() == null
                ? "dev" : FitCheckpoint.class.getPackage().getImplementationVersion());
        m.addProperty("kind", weightsOnly ? "weights" : "full");
        m.addProperty("module_class", run.module.getClass().getName());
        m.add("hyper_parameters", GSON.toJsonTree(run.module.hparams()));
        if (run.dataModule != null) {
            m.add("datamodule_hyper_parameters", GSON.toJsonTree(run.dataModule.hparams()));
        }
        p.saveEpochAndStep(m);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Pair<String, Parameter> named : run.module.block().getParameters()) {
            if (named.getValue().isInitialized()) {
                tensors.put(MODEL + named.getKey(), named.getValue().getArray());
            }
        }
        if (!weightsOnly) {
            p.saveLoop(m);
            if (run.settings.seed() != null) {
                m.addProperty("seed", run.settings.seed());
            }
            JsonArray optimizers = new JsonArray();
            for (LightningOptimizer lo : optimization.optimizers()) {
                OptimizerState s = lo.optimizer().exportState(scratch);
                JsonObject o = new JsonObject();
                o.addProperty("type", s.optimizer());
                o.addProperty("learning_rate", s.learningRate());
                JsonObject steps = new JsonObject();
                s.entries().forEach((param, entry) -> {
                    steps.addProperty(param, entry.step());
                    entry.buffers().forEach((buffer, array) ->
                            tensors.put(OPTIMIZER + lo.index() + "/" + param + "/" + buffer, array));
                });
                o.add("steps", steps);
                optimizers.add(o);
            }
            m.add("optimizers", optimizers);
            m.add("schedulers", optimization.schedules().state(run.state.callbackMetrics()));
            JsonObject callbacks = new JsonObject();
            for (Callback c : run.callbacks) {
                Map<String, Object> state = c.stateDict();
                if (!state.isEmpty()) {
                    callbacks.add(c.stateKey(), GSON.toJsonTree(state));
                }
                c.tensorStateDict().forEach((name, array) -> tensors.put(CALLBACK + c.stateKey() + "/" + name, array));
            }
            m.add("callbacks", callbacks);
            Map<String, Object> extra = new LinkedHashMap<>();
            run.module.onSaveCheckpoint(extra);
            m.add("module_state", GSON.toJsonTree(extra));
            if (run.dataModule != null) {
                m.add("datamodule_state", GSON.toJsonTree(run.dataModule.stateDict()));
            }
            JsonObject precision = new JsonObject();
            precision.addProperty("name", run.precision.name());
            precision.add("state", GSON.toJsonTree(run.precision.stateDict()));
            m.add("precision", precision);
        }
        return new Checkpoint(m, tensors);
    }

    /** Puts the model parameters back; parameters not created yet get them at their lazy initialisation. */
    static void restoreParameters(RunContext run, Checkpoint ckpt, String origin) {
        ParameterList params = run.module.block().getParameters();
        Set<String> expected = new LinkedHashSet<>();
        for (Pair<String, Parameter> named : params) {
            expected.add(named.getKey());
        }
        Set<String> present = new LinkedHashSet<>();
        for (String name : ckpt.tensors().keySet()) {
            if (name.startsWith(MODEL)) {
                present.add(name.substring(MODEL.length()));
            }
        }
        if (!present.equals(expected)) {
            Set<String> missing = new LinkedHashSet<>(expected);
            missing.removeAll(present);
            Set<String> unexpected = new LinkedHashSet<>(present);
            unexpected.removeAll(expected);
            throw new IllegalArgumentException(origin + " does not match " + run.module.getClass().getSimpleName()
                    + ": missing parameters " + missing + ", unexpected parameters " + unexpected);
        }
        boolean previous = run.autograd == null || run.autograd.setGradEnabled(false);
        try {
            for (Pair<String, Parameter> named : params) {
                NDArray saved = ckpt.tensors().get(MODEL + named.getKey());
                Parameter p = named.getValue();
                if (p.isInitialized()) {
                    NDArray w = p.getArray();
                    if (!w.getShape().equals(saved.getShape())) {
                        throw new IllegalArgumentException(origin + ": parameter '" + named.getKey() + "' has shape "
                                + saved.getShape() + " in the checkpoint but " + w.getShape() + " in the module");
                    }
                    if (saved != w) { // else the checkpoint I/O read it into the parameter already
                        // x*0 + saved is bitwise saved for the finite values of a live parameter.
                        w.muli(0).addi(saved.toDevice(w.getDevice(), false));
                    }
                } else {
                    p.setInitializer(new SavedWeights.SavedValue(saved, named.getKey(), origin));
                }
            }
        } finally {
            if (run.autograd != null) {
                run.autograd.setGradEnabled(previous);
            }
        }
    }

    /** Puts back optimizer and scheduler state, callback and precision state, and the loop progress. */
    static void restoreTraining(RunContext run, Optimization optimization, FitProgress progress, Checkpoint ckpt,
                                String origin) {
        JsonObject m = ckpt.manifest();
        if (!"full".equals(string(m, "kind", origin))) {
            throw new IllegalArgumentException(origin + " holds weights only and cannot resume training: start a "
                    + "new fit from the module (load the weights with validate/test/predict's ckptPath) or use a "
                    + "full checkpoint");
        }
        JsonArray optimizers = m.getAsJsonArray("optimizers");
        List<LightningOptimizer> live = optimization.optimizers();
        if (optimizers == null || optimizers.size() != live.size()) {
            throw new IllegalArgumentException(origin + " has " + (optimizers == null ? 0 : optimizers.size())
                    + " optimizer state(s) but configureOptimizers returned " + live.size());
        }
        for (LightningOptimizer lo : live) {
            JsonObject o = optimizers.get(lo.index()).getAsJsonObject();
            Map<String, OptimizerState.Entry> entries = new LinkedHashMap<>();
            String prefix = OPTIMIZER + lo.index() + "/";
            for (Map.Entry<String, JsonElement> step : o.getAsJsonObject("steps").entrySet()) {
                Map<String, NDArray> buffers = new LinkedHashMap<>();
                String paramPrefix = prefix + step.getKey() + "/";
                ckpt.tensors().forEach((name, array) -> {
                    if (name.startsWith(paramPrefix)) {
                        buffers.put(name.substring(paramPrefix.length()), array);
                    }
                });
                entries.put(step.getKey(), new OptimizerState.Entry(step.getValue().getAsLong(), buffers));
            }
            String type = o.get("type").getAsString();
            if (!type.equals(lo.optimizer().name())) {
                throw new IllegalArgumentException(origin + ": optimizer " + lo.index() + " was " + type
                        + " when saved but is " + lo.optimizer().name() + " now");
            }
            lo.optimizer().importState(new OptimizerState(type, o.get("learning_rate").getAsFloat(), entries));
        }
        optimization.schedules().restore(m.getAsJsonArray("schedulers"), origin);
        JsonObject callbacks = m.getAsJsonObject("callbacks");
        if (callbacks != null) {
            for (Callback c : run.callbacks) {
                JsonElement state = callbacks.get(c.stateKey());
                if (state != null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = GSON.fromJson(state, Map.class);
                    c.loadStateDict(map);
                }
                String prefix = CALLBACK + c.stateKey() + "/";
                Map<String, NDArray> saved = new LinkedHashMap<>();
                ckpt.tensors().forEach((name, array) -> {
                    if (name.startsWith(prefix)) {
                        saved.put(name.substring(prefix.length()), array);
                    }
                });
                if (!saved.isEmpty()) {
                    c.loadTensorStateDict(saved);
                }
            }
        }
        if (m.has("module_state")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> extra = GSON.fromJson(m.get("module_state"), Map.class);
            run.module.onLoadCheckpoint(extra);
        }
        if (run.dataModule != null && m.has("datamodule_state")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> dm = GSON.fromJson(m.get("datamodule_state"), Map.class);
            run.dataModule.loadStateDict(dm);
        }
        restorePrecision(run, m.getAsJsonObject("precision"), origin);
        progress.load(m);
    }

    /**
     * Hands the saved precision state to the precision in use when it is the one that saved it. State saved by
     * another precision (most often one whose plugin is not installed here) fails the resume, as Lightning's
     * strict loading does for state nobody takes: dropping it would silently restart what it tracks (a loss scale).
     */
    private static void restorePrecision(RunContext run, JsonObject precision, String origin) {
        if (precision == null || !precision.has("state")) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> state = GSON.fromJson(precision.get("state"), Map.class);
        String saved = precision.has("name") ? precision.get("name").getAsString() : run.precision.name();
        String current = run.precision.name();
        if (saved.equals(current)) {
            run.precision.loadStateDict(state);
        } else if (!state.isEmpty()) {
            throw new IllegalStateException(origin + " was saved with precision '" + saved + "', whose state "
                    + state.keySet() + " precision '" + current + "' cannot take. Resume with precision(\"" + saved
                    + "\"), installing the plugin that provides '" + saved + "' (its jar on the classpath or its "
                    + "bundle in the plugins folder; --list-plugins shows what is installed) if it is missing; to "
                    + "train on with '" + current + "' instead, start a new fit from the checkpoint's weights "
                    + "(LightningModule.loadFromCheckpoint) rather than resuming");
        } else {
            LOG.warn("{} was saved with precision '{}' and resumes with '{}'", origin, saved, current);
        }
    }

    private static String string(JsonObject m, String key, String origin) {
        JsonElement e = m.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException(origin + ": manifest field '" + key + "' is missing");
        }
        return e.getAsString();
    }
}
