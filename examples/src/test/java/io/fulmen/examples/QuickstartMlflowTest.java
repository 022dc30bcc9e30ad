package io.fulmen.examples;

import io.fulmen.mlflow.MlflowTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./quickstart --logger mlflow}: the quickstart's fit and test land in one MLflow run. */
class QuickstartMlflowTest {
    @TempDir
    Path root;

    @Test
    void theQuickstartLogsItsFitAndTestToMlflow() {
        try (MlflowTestServer server = MlflowTestServer.start()) {
            int status = Quickstart.run(new String[] {"--logger", "mlflow", "--logger-option",
                    "tracking_uri=" + server.uri(), "--logger-option", "experiment_name=fashion",
                    "--logger-option", "log_model=true", "--root-dir", root.toString(), "--epochs", "1",
                    "--limit-train-batches", "100", "--seed", "1"});
            assertEquals(0, status);
            assertTrue(server.experimentByName("fashion").isPresent());
            MlflowTestServer.RunRecord run = server.runs().get(0);
            assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
            assertEquals("128", run.params().get("hidden"));
            assertEquals(2, run.metrics("train_loss").size(), "every 50 steps, Lightning's default");
            assertEquals(1, run.metrics("val_loss").size());
            assertEquals(1, run.metrics("test_acc").size());
            assertTrue(run.metrics("test_acc").get(0).getValue() > 0.3);
            String base = run.info().getExperimentId() + "/" + run.info().getRunId() + "/artifacts/";
            assertTrue(server.artifacts().containsKey(base + "last/last.ckpt"), server.artifacts().keySet().toString());
            assertTrue(server.artifacts().containsKey(base + "hparams.yaml"));
            assertFalse(server.artifacts().keySet().stream().anyMatch(k -> !k.startsWith(base)));
        }
    }
}
