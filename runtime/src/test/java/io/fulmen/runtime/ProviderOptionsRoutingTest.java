package io.fulmen.runtime;

import io.fulmen.runtime.logger.CsvLogger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code option("<provider>.<key>", value)} reaches that provider alone, typed; a key for no provider in use, an
 * undeclared key, a value of the wrong type or a key without namespace fails {@code build()} saying what to write.
 */
class ProviderOptionsRoutingTest {
    @TempDir
    Path root;

    private TrainerBuilder csv() {
        return Trainer.builder().defaultRootDir(root).enableProgressBar(false).enableModelSummary(false)
                .enableCheckpointing(false).logger("csv");
    }

    private IllegalArgumentException failure(TrainerBuilder b) {
        return assertThrows(IllegalArgumentException.class, b::build);
    }

    @Test
    void aNamespacedOptionReachesItsProviderTyped() {
        try (Trainer t = csv().option("csv.name", "runs").option("CSV.flush_logs_every_n_steps", "5").build()) {
            CsvLogger logger = (CsvLogger) t.view().loggers().get(0);
            assertEquals("runs", logger.name());
            assertEquals(5, logger.flushLogsEveryNSteps());
        }
    }

    @Test
    void anUndeclaredKeyFailsWithTheClosestOneAndTheProvidersKeys() {
        String m = failure(csv().option("csv.nmae", "runs")).getMessage();
        assertTrue(m.startsWith("Unknown option 'csv.nmae' for logger 'csv'. Did you mean 'csv.name'?"), m);
        assertTrue(m.contains("csv.flush_logs_every_n_steps") && m.contains("csv.save_dir"), m);
        m = failure(csv().option("cpu.threads", "4")).getMessage();
        assertTrue(m.contains("Unknown option 'cpu.threads' for accelerator 'cpu'. It takes no options."), m);
    }

    @Test
    void aValueOfTheWrongTypeFailsNamingKeyValueAndType() {
        String m = failure(csv().option("csv.flush_logs_every_n_steps", "often")).getMessage();
        assertEquals("Invalid value 'often' for option 'csv.flush_logs_every_n_steps': expected an int (a whole "
                + "number such as 10)", m);
    }

    @Test
    void aNamespaceNoProviderInUseAnswersToFailsWithATypoSuggestion() {
        String m = failure(csv().option("cvs.name", "runs")).getMessage();
        assertTrue(m.startsWith("Unknown option 'cvs.name': no provider named 'cvs' is in use. Did you mean "
                + "'csv.name'?"), m);
        assertTrue(m.contains("In use: accelerator 'cpu', strategy 'single_device', precision '32-true', "
                + "checkpoint_io 'fulmen', logger "
                + "'csv'; their options: csv.name, csv.version"), m);
    }

    @Test
    void aProviderInstalledButNotUsedIsNamedAsSuch() {
        String m = failure(csv().option("32.foo", "x").precision("32")).getMessage();
        assertTrue(m.contains("Unknown option '32.foo': options use the provider's name, not its alias '32'; "
                + "write '32-true.foo'"), m);
        m = failure(Fixtures.quietTrainer(root).option("csv.name", "runs")).getMessage();
        assertTrue(m.contains("'csv' is a logger this Trainer does not use"), m);
    }

    @Test
    void aKeyWithoutNamespaceIsRefusedWithTheNamespacedSpelling() {
        String m = failure(csv().option("flush_logs_every_n_steps", "5")).getMessage();
        assertTrue(m.startsWith("Unknown option 'flush_logs_every_n_steps': options are named '<provider>.<key>' "
                + "now; write 'csv.flush_logs_every_n_steps'."), m);
    }
}
