package io.fulmen.runtime.callbacks;

import ai.djl.nn.Block;
import io.fulmen.LightningModule;
import io.fulmen.LightningOptimizer;
import io.fulmen.TrainerView;
import io.fulmen.optim.Optimizer;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;

/**
 * Lightning's {@code BackboneFinetuning}: the module's backbone is frozen until epoch {@code unfreezeBackboneAtEpoch},
 * then unfrozen into a parameter group of its own at {@code backboneInitialLr}, or the optimizer's rate times
 * {@code backboneInitialRatioLr}, divided by 1 ({@code initial_denom_lr} applies only when neither is known); at every
 * later epoch its rate becomes {@code lambdaFunc(epoch + 1)} times the previous one, capped at the optimizer's rate when
 * {@code shouldAlign}. The backbone is the module's {@code backbone()} method's block unless a locator is given.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class BackboneFinetuning extends BaseFinetuning {
    private static final Logger LOG = LoggerFactory.getLogger(BackboneFinetuning.class);

    private final int unfreezeBackboneAtEpoch;
    private final IntToDoubleFunction lambdaFunc;
    private final double backboneInitialRatioLr;
    private final Double backboneInitialLr;
    private final boolean shouldAlign;
    private final double initialDenomLr;
    private final boolean trainBn;
    private final boolean verbose;
    private final Function<LightningModule, Block> backbone;
    private Double previousBackboneLr;

    private BackboneFinetuning(Builder b) {
        this.unfreezeBackboneAtEpoch = b.unfreezeBackboneAtEpoch;
        this.lambdaFunc = b.lambdaFunc;
        this.backboneInitialRatioLr = b.backboneInitialRatioLr;
        this.backboneInitialLr = b.backboneInitialLr;
        this.shouldAlign = b.shouldAlign;
        this.initialDenomLr = b.initialDenomLr;
        this.trainBn = b.trainBn;
        this.verbose = b.verbose;
        this.backbone = b.backbone;
    }

    /** Lightning's defaults: unfreeze at epoch 10, multiplicative(1.5), ratio 0.1, align, denom 10, train_bn. */
    public static Builder builder() {
        return new Builder();
    }

    /** Lightning's {@code multiplicative(epoch)} default: a constant factor per epoch. */
    public static IntToDoubleFunction multiplicative(double factor) {
        return epoch -> factor;
    }

    /** The backbone's current rate, once unfrozen; null before. */
    public Double previousBackboneLr() {
        return previousBackboneLr;
    }

    @Override
    public void onFitStart(TrainerView trainer, LightningModule module) {
        backboneOf(module);
        super.onFitStart(trainer, module);
    }

    @Override
    protected void freezeBeforeTraining(LightningModule module) {
        freeze(backboneOf(module), trainBn);
    }

    @Override
    protected void finetuneFunction(LightningModule module, int epoch, LightningOptimizer lo) {
        Optimizer optimizer = lo.optimizer();
        if (epoch == unfreezeBackboneAtEpoch) {
            double currentLr = optimizer.paramGroupLearningRate(0);
            double initial = backboneInitialLr != null ? backboneInitialLr : currentLr * backboneInitialRatioLr;
            previousBackboneLr = initial;
            unfreezeAndAddParamGroup(backboneOf(module), optimizer, initial, initialDenomLr, trainBn);
            if (verbose) {
                LOG.info("Current lr: {}, Backbone lr: {}", currentLr, initial);
            }
        } else if (epoch > unfreezeBackboneAtEpoch && previousBackboneLr != null) {
            double currentLr = optimizer.paramGroupLearningRate(0);
            double next = lambdaFunc.applyAsDouble(epoch + 1) * previousBackboneLr;
            next = shouldAlign && next > currentLr ? currentLr : next;
            optimizer.setParamGroupLearningRate(optimizer.paramGroupCount() - 1, (float) next);
            previousBackboneLr = next;
            if (verbose) {
                LOG.info("Current lr: {}, Backbone lr: {}", currentLr, next);
            }
        }
    }

    private Block backboneOf(LightningModule module) {
        if (backbone != null) {
            return Objects.requireNonNull(backbone.apply(module), "the backbone locator returned null");
        }
        try {
            Method m = module.getClass().getMethod("backbone");
            Object value = m.invoke(module);
            if (value instanceof Block b) {
                return b;
            }
        } catch (ReflectiveOperationException e) {
            // fall through to the error below
        }
        throw new IllegalStateException("The LightningModule should have a `backbone()` method returning the Block "
                + "to fine-tune, or build BackboneFinetuning with backbone(module -> ...)");
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> state = super.stateDict();
        if (previousBackboneLr != null) {
            state.put("previous_backbone_lr", previousBackboneLr);
        }
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        super.loadStateDict(state);
        Object lr = state.get("previous_backbone_lr");
        previousBackboneLr = lr instanceof Number n ? n.doubleValue() : null;
    }

    /** Lightning's arguments. */
    public static final class Builder {
        private int unfreezeBackboneAtEpoch = 10;
        private IntToDoubleFunction lambdaFunc = multiplicative(1.5);
        private double backboneInitialRatioLr = 0.1;
        private Double backboneInitialLr;
        private boolean shouldAlign = true;
        private double initialDenomLr = 10.0;
        private boolean trainBn = true;
        private boolean verbose;
        private Function<LightningModule, Block> backbone;

        private Builder() {}

        public Builder unfreezeBackboneAtEpoch(int value) {
            this.unfreezeBackboneAtEpoch = value;
            return this;
        }

        /** The factor of the backbone's rate at each epoch after unfreezing, given {@code epoch + 1}. */
        public Builder lambdaFunc(IntToDoubleFunction value) {
            this.lambdaFunc = Objects.requireNonNull(value, "lambdaFunc");
            return this;
        }

        public Builder backboneInitialRatioLr(double value) {
            this.backboneInitialRatioLr = value;
            return this;
        }

        public Builder backboneInitialLr(Double value) {
            this.backboneInitialLr = value;
            return this;
        }

        public Builder shouldAlign(boolean value) {
            this.shouldAlign = value;
            return this;
        }

        public Builder initialDenomLr(double value) {
            this.initialDenomLr = value;
            return this;
        }

        public Builder trainBn(boolean value) {
            this.trainBn = value;
            return this;
        }

        public Builder verbose(boolean value) {
            this.verbose = value;
            return this;
        }

        /** Where the backbone is (default: the module's {@code backbone()} method). */
        public Builder backbone(Function<LightningModule, Block> value) {
            this.backbone = value;
            return this;
        }

        public BackboneFinetuning build() {
            return new BackboneFinetuning(this);
        }
    }
}
