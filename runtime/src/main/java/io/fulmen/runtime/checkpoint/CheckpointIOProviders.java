package io.fulmen.runtime.checkpoint;

import io.fulmen.spi.CheckpointIO;
import io.fulmen.spi.CheckpointIOProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.List;

/** The built-in checkpoint I/O providers: Fulmen's format written in the training thread or in the background. */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class CheckpointIOProviders {
    private CheckpointIOProviders() {}

    /** {@code "fulmen"} (also {@code "default"}): the default, written in the calling thread. */
    public static final class Synchronous implements CheckpointIOProvider {
        @Override
        public String name() {
            return "fulmen";
        }

        @Override
        public List<String> aliases() {
            return List.of("default");
        }

        @Override
        public String description() {
            return "Fulmen's checkpoint format, written atomically in the training thread";
        }

        @Override
        public int priority() {
            return 10;
        }

        @Override
        public CheckpointIO create(ProviderContext context) {
            return new FulmenCheckpointIO();
        }
    }

    /** {@code "async"}: Lightning's {@code AsyncCheckpointIO}, the same format written in the background. */
    public static final class Asynchronous implements CheckpointIOProvider {
        @Override
        public String name() {
            return "async";
        }

        @Override
        public String description() {
            return "Fulmen's format written in a background thread; the tensors are copied when a save is issued";
        }

        @Override
        public CheckpointIO create(ProviderContext context) {
            return new AsyncCheckpointIO();
        }
    }
}
