package io.fulmen.runtime.engine;

import io.fulmen.optim.OptimizerKernels;
import io.fulmen.spi.Autograd;
import io.fulmen.spi.EngineProvider;
import io.fulmen.spi.ExecutionEngine;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;

/** The built-in engine: DJL's PyTorch (libtorch), which trains; what {@code engine("auto")} picks. */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class PyTorchEngineProvider implements EngineProvider {
    /** DJL's name of the engine. */
    public static final String NAME = "PyTorch";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> aliases() {
        return List.of("torch", "pt");
    }

    @Override
    public String description() {
        return "DJL's PyTorch engine (libtorch): fit, validate, test, predict";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public ExecutionEngine create(ProviderContext context) {
        return PyTorch.ENGINE;
    }

    /** Stateless: one instance serves every Trainer. */
    private enum PyTorch implements ExecutionEngine {
        ENGINE;

        @Override
        public String djlName() {
            return NAME;
        }

        @Override
        public Optional<Autograd> newAutograd() {
            return Optional.of(new PyTorchAutograd());
        }

        @Override
        public Optional<OptimizerKernels> optimizerKernels() {
            return FusedKernels.available();
        }

        @Override
        public String toString() {
            return NAME;
        }
    }
}
