package io.fulmen.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./quickstart --callback NAME --callback-option K=V}: callbacks by name from the command line. */
class QuickstartCallbackTest {
    @TempDir
    Path root;

    @Test
    void optionKeysGetTheNamespaceOfTheOnlyCallbackNamed() {
        Quickstart.Options o = Quickstart.Options.parse(new String[] {"--callback", "early_stopping",
                "--callback-option", "patience=3", "--callback-option=early_stopping.monitor=val_loss"});
        assertEquals(List.of("early_stopping"), o.callbacks);
        assertEquals(Map.of("patience", "3", "early_stopping.monitor", "val_loss"), o.callbackOptions);
        assertEquals("early_stopping.patience", Quickstart.Options.namespaced("patience", o.callbacks));
        assertEquals("early_stopping.monitor", Quickstart.Options.namespaced("early_stopping.monitor", o.callbacks));
        assertEquals("timer.duration", Quickstart.Options.namespaced("timer.duration", List.of("timer", "x")));
        assertEquals("patience", Quickstart.Options.namespaced("patience", List.of("early_stopping", "timer")));
        assertThrows(Quickstart.UsageException.class,
                () -> Quickstart.Options.parse(new String[] {"--callback-option", "patience"}));
    }

    @Test
    void earlyStoppingByNameStopsTheQuickstartsFit() throws IOException {
        int status = Quickstart.run(new String[] {"--callback", "early_stopping", "--callback-option",
                "monitor=val_loss", "--callback-option", "patience=0", "--callback-option", "min_delta=1000",
                "--logger", "csv", "--root-dir", root.toString(), "--epochs", "5", "--limit-train-batches", "20",
                "--seed", "1"});
        assertEquals(0, status);
        List<String> rows = Files.readAllLines(root.resolve("fulmen_logs/version_0/metrics.csv"));
        int valLoss = List.of(rows.get(0).split(",")).indexOf("val_loss");
        assertEquals(2, rows.stream().skip(1).filter(r -> !r.split(",", -1)[valLoss].isEmpty()).count(),
                "validated twice of 5 epochs: the second check stops the fit: " + rows);
    }

    @Test
    void aMissingRequiredCallbackOptionFailsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quickstart.run(
                new String[] {"--callback", "early_stopping", "--root-dir", root.toString(), "--epochs", "1",
                        "--limit-train-batches", "2"}));
        assertTrue(e.getMessage().contains("'early_stopping.monitor' is required"), e.getMessage());
    }
}
