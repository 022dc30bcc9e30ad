package io.fulmen.runtime.callbacks;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.optim.Optimizer;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lightning's {@code BaseFinetuning}: freezes part of the module before training ({@link #freezeBeforeTraining})
 * and changes it at every training epoch start ({@link #finetuneFunction}), typically unfreezing it and adding its
 * parameters to the optimizer as a new parameter group with a learning rate of its own
 * ({@link #unfreezeAndAddParamGroup}). Parameter groups added this way are recorded in checkpoints (parameter paths
 * and rates) and put back when a fit resumes; a fit resumed inside an epoch does not run that epoch's
 * {@code finetuneFunction} twice (Lightning does, multiplying a growing rate once more).
 *
 * <p>Differences from Lightning, from DJL: a frozen batch-norm layer still updates its running statistics in
 * training mode (DJL has no {@code track_running_stats} switch); and Fulmen's optimizers cover their whole scope,
 * so a parameter group takes its parameters out of group 0 rather than adding parameters the optimizer lacked.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public abstract class BaseFinetuning implements Callback {
    private List<Map<String, Object>> restoredGroups;
    private int finetunedEpoch = -1;

    /** Freezes what must not train at first; called at setup of fit. */
    protected abstract void freezeBeforeTraining(LightningModule module);

    /** Called at every training epoch start for every optimizer. */
    protected abstract void finetuneFunction(LightningModule module, int epoch, LightningOptimizer optimizer);

    /** Freezes every parameter of {@code block}; batch-norm layers stay trainable when {@code trainBn}. */
    public static void freeze(Block block, boolean trainBn) {
        if (block instanceof BatchNorm && trainBn) {
            makeTrainable(block);
            return;
        }
        if (block.getChildren().isEmpty() || block instanceof BatchNorm) {
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                p.getValue().freeze(true);
            }
            return;
        }
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            p.getValue().freeze(true);
        }
        for (Pair<String, Block> child : block.getChildren()) {
            freeze(child.getValue(), trainBn);
        }
    }

    /** Makes every parameter of {@code block} trainable again (running statistics stay without gradients). */
    public static void makeTrainable(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter.Type type = p.getValue().getType();
            if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
                p.getValue().freeze(false);
            }
        }
    }

    /**
     * Lightning's {@code unfreeze_and_add_param_group}: makes {@code block} trainable and gives its trainable
     * parameters (batch norm's only when {@code trainBn}) a group of their own at {@code lr}, or, when {@code lr} is
     * null, at group 0's rate divided by {@code initialDenomLr}.
     */
    public static void unfreezeAndAddParamGroup(Block block, Optimizer optimizer, Double lr, double initialDenomLr,
                                                boolean trainBn) {
        makeTrainable(block);
        double paramsLr = lr == null ? optimizer.paramGroupLearningRate(0) : lr;
        double denom = lr == null ? initialDenomLr : 1.0;
        List<Parameter> params = new ArrayList<>();
        collect(block, trainBn, params);
        Set<Parameter> inGroups = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int g = 1; g < optimizer.paramGroupCount(); g++) {
            inGroups.addAll(optimizer.paramGroupParameters(g));
        }
        params.removeIf(inGroups::contains);
        if (!params.isEmpty()) {
            optimizer.addParamGroup(params, (float) (paramsLr / denom));
        }
    }

    private static void collect(Block block, boolean trainBn, List<Parameter> out) {
        if (block instanceof BatchNorm && !trainBn) {
            return;
        }
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collect(child.getValue(), trainBn, out);
        }
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage == Stage.FIT) {
            restoredGroups = null;
            finetunedEpoch = -1;
            freezeBeforeTraining(module);
        }
    }

    @Override
    public void onFitStart(TrainerView trainer, LightningModule module) {
        if (restoredGroups == null) {
            return;
        }
        Map<Parameter, String> paths = new IdentityHashMap<>();
        Map<String, Parameter> byPath = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : module.block().getParameters()) {
            paths.put(p.getValue(), p.getKey());
            byPath.put(p.getKey(), p.getValue());
        }
        for (Map<String, Object> g : restoredGroups) {
            int index = ((Number) g.get("optimizer")).intValue();
            Optimizer optimizer = trainer.optimizers().get(index).optimizer();
            List<Parameter> params = new ArrayList<>();
            for (Object name : (List<?>) g.get("params")) {
                Parameter p = byPath.get(String.valueOf(name));
                if (p == null) {
                    throw new IllegalArgumentException("BaseFinetuning state names parameter '" + name
                            + "', which the module does not have");
                }
                p.freeze(false);
                params.add(p);
            }
            optimizer.addParamGroup(params, ((Number) g.get("lr")).floatValue());
        }
        restoredGroups = null;
    }

    @Override
    public void onTrainEpochStart(TrainerView trainer, LightningModule module) {
        int epoch = trainer.currentEpoch();
        if (epoch <= finetunedEpoch) {
            // A fit resumed inside this epoch starts it again: its change was made and is in the checkpoint.
            return;
        }
        for (LightningOptimizer optimizer : trainer.optimizers()) {
            finetuneFunction(module, epoch, optimizer);
        }
        finetunedEpoch = epoch;
    }

    /** The added parameter groups of every optimizer (paths and rates); subclasses add their own keys. */
    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("param_groups", groupsOf(currentOptimizers, currentModule));
        state.put("finetuned_epoch", finetunedEpoch);
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) state.get("param_groups");
        restoredGroups = groups == null ? null : new ArrayList<>(groups);
        Object epoch = state.get("finetuned_epoch");
        finetunedEpoch = epoch instanceof Number n ? n.intValue() : -1;
    }

    private List<LightningOptimizer> currentOptimizers = List.of();
    private LightningModule currentModule;

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        currentOptimizers = trainer.optimizers();
        currentModule = module;
    }

    @Override
    public void teardown(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage == Stage.FIT) {
            currentOptimizers = List.of();
            currentModule = null;
        }
    }

    private static List<Map<String, Object>> groupsOf(List<LightningOptimizer> optimizers, LightningModule module) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (module == null) {
            return out;
        }
        Map<Parameter, String> paths = new IdentityHashMap<>();
        for (Pair<String, Parameter> p : module.block().getParameters()) {
            paths.put(p.getValue(), p.getKey());
        }
        for (LightningOptimizer lo : optimizers) {
            Optimizer o = lo.optimizer();
            for (int g = 1; g < o.paramGroupCount(); g++) {
                List<String> names = new ArrayList<>();
                for (Parameter p : o.paramGroupParameters(g)) {
                    names.add(paths.get(p));
                }
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("optimizer", lo.index());
                group.put("lr", (double) o.paramGroupLearningRate(g));
                group.put("params", names);
                out.add(group);
            }
        }
        return out;
    }
}
