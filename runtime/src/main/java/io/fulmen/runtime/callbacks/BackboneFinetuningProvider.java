package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.ProviderOptions;
import org.apiguardian.api.API;

import java.util.List;

/**
 * {@code callbacks("backbone_finetuning")}: a {@link BackboneFinetuning} of the module's {@code backbone()} block
 * with Lightning's argument names; {@code lambda_func} is Lightning's default {@code multiplicative}, with its factor
 * as {@code multiplicative_factor}.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class BackboneFinetuningProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofInt("unfreeze_backbone_at_epoch", 10, "epoch at which the backbone is unfrozen"),
            OptionSpec.ofDouble("multiplicative_factor", 1.5, "the backbone rate's factor at every later epoch"),
            OptionSpec.ofDouble("backbone_initial_ratio_lr", 0.1, "initial backbone rate as a ratio of the "
                    + "optimizer's"),
            OptionSpec.ofDouble("backbone_initial_lr", null, "initial backbone rate (overrides the ratio)"),
            OptionSpec.ofBoolean("should_align", true, "cap the backbone rate at the optimizer's"),
            OptionSpec.ofDouble("initial_denom_lr", 10.0, "divisor of the initial rate when none is known"),
            OptionSpec.ofBoolean("train_bn", true, "keep batch norm layers trainable while frozen"),
            OptionSpec.ofBoolean("verbose", false, "log the rates at every epoch"));

    @Override
    public String name() {
        return "backbone_finetuning";
    }

    @Override
    public String description() {
        return "freezes the module's backbone, then unfreezes it into its own parameter group "
                + "(Lightning's BackboneFinetuning)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        ProviderOptions o = context.options();
        return BackboneFinetuning.builder()
                .unfreezeBackboneAtEpoch(o.getInt("unfreeze_backbone_at_epoch"))
                .lambdaFunc(BackboneFinetuning.multiplicative(o.getDouble("multiplicative_factor")))
                .backboneInitialRatioLr(o.getDouble("backbone_initial_ratio_lr"))
                .backboneInitialLr(o.isSet("backbone_initial_lr") ? o.getDouble("backbone_initial_lr") : null)
                .shouldAlign(o.getBoolean("should_align"))
                .initialDenomLr(o.getDouble("initial_denom_lr"))
                .trainBn(o.getBoolean("train_bn"))
                .verbose(o.getBoolean("verbose"))
                .build();
    }
}
