package io.fulmen.runtime;

import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider that cannot be created says which plugin, from where, and what to do. */
class PlannedTest {
    /** What the JVM throws when a provider compiled against the old api lacks create(ProviderContext). */
    private static final class OldShape implements ExperimentLoggerProvider {
        @Override
        public String name() {
            return "old";
        }

        @Override
        public ExperimentLogger create(ProviderContext context) {
            throw new AbstractMethodError("Receiver class OldShape does not define or inherit an implementation");
        }
    }

    @Test
    void aProviderBuiltForTheOldApiIsToldToRebuild() {
        Planned<ExperimentLogger> plan = new Planned<>("logger", new OldShape(), "bundle old@1.0.0 (plugins/old)",
                ProviderContext.of(Path.of(".")));
        IllegalStateException e = assertThrows(IllegalStateException.class, plan::create);
        assertTrue(e.getMessage().startsWith("logger 'old' from bundle old@1.0.0 (plugins/old) cannot be created")
                && e.getMessage().contains("built against an older fulmen-api")
                && e.getMessage().contains("docs/writing-plugins.md"), e.getMessage());
    }
}
