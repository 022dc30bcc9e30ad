package io.fulmen.mlflow;

import io.fulmen.logging.RunDirectory;
import io.fulmen.runtime.Trainer;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.ExperimentLoggerProvider;
import io.fulmen.spi.ProviderContext;
import io.fulmen.spi.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MLflow logger's local files in the Trainer's shared run directory. */
class MlflowRunDirectoryTest {
    @TempDir
    Path root;
    MlflowTestServer server;

    @BeforeEach
    void startServer() {
        server = MlflowTestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private ExperimentLogger create(ProviderContext context, Map<String, String> options) {
        ExperimentLoggerProvider provider = new MlflowLoggerProvider();
        Map<String, String> all = new java.util.HashMap<>(options);
        all.put("tracking_uri", server.uri());
        return provider.create(context.withOptions(provider, all));
    }

    @Test
    void byNameWithTheDefaultExperimentItKeepsItsFilesInTheRunDirectory() {
        ProviderContext context = ProviderContext.of(root);
        ExperimentLogger shared = create(context, Map.of());
        ExperimentLogger named = create(context, Map.of("experiment_name", "regression"));
        ExperimentLogger continued = create(context, Map.of("run_id", "abc123"));
        assertEquals(Optional.of(context.runDirectory()), shared.runDirectory());
        assertEquals(root.resolve("fulmen_logs/version_0"), shared.logDir());
        assertEquals(Optional.empty(), named.runDirectory());
        assertEquals(root.resolve("mlflow/regression/version_0"), named.logDir());
        assertEquals(Optional.empty(), continued.runDirectory());
        assertEquals(root.resolve("mlflow/fulmen_logs/abc123"), continued.logDir());
        for (ExperimentLogger l : new ExperimentLogger[] {shared, named, continued}) {
            l.finish(RunStatus.SUCCESS);
        }
    }

    @Test
    void aFitWithTheCsvLoggerWritesOneVersionAndHparamsYamlHoldsEveryCall() throws Exception {
        String runId;
        try (var module = new Regression(); var t = Trainer.builder().defaultRootDir(root).logger("csv", "mlflow")
                .option("mlflow.tracking_uri", server.uri()).maxEpochs(1).logEveryNSteps(1)
                .enableProgressBar(false).enableModelSummary(false).build()) {
            t.fit(module, Regression.data(64, 1));
            MlflowLogger mlflow = (MlflowLogger) t.view().loggers().get(1);
            assertEquals(root.resolve("fulmen_logs/version_0"), t.view().logDir());
            assertEquals(t.view().logDir(), mlflow.logDir());
            mlflow.logHyperparams(Map.of("extra", 1));
            runId = mlflow.awaitRunId(Duration.ofSeconds(10)).orElseThrow();
        }
        Path dir = root.resolve("fulmen_logs/version_0");
        assertTrue(Files.isRegularFile(dir.resolve("metrics.csv")));
        assertTrue(Files.isDirectory(dir.resolve("checkpoints")));
        String yaml = Files.readString(dir.resolve("hparams.yaml"), StandardCharsets.UTF_8);
        assertTrue(yaml.contains("lr: 0.05") && yaml.contains("extra: 1"), yaml);
        String experimentId = server.run(runId).info().getExperimentId();
        assertEquals(yaml, new String(server.artifacts().get(experimentId + "/" + runId + "/artifacts/hparams.yaml"),
                StandardCharsets.UTF_8));
    }

    @Test
    void filesAnEarlierRunLeftInTheFolderAreKept() throws Exception {
        RunDirectory run = RunDirectory.under(root);
        Path dir = run.path();
        Files.writeString(dir.resolve(UndeliveredFile.FILE_NAME), "earlier");
        MlflowLogger logger = new MlflowLogger(MlflowSettings.from(MlflowOptions.of(Map.of("tracking_uri",
                server.uri())), Map.of(), root), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), run);
        assertEquals(dir.resolve("mlflow-undelivered-2.jsonl"), logger.undeliveredFile());
        assertEquals(logger.undeliveredFile(), logger.undeliveredFile());
        logger.finish(RunStatus.SUCCESS);
        assertEquals("earlier", Files.readString(dir.resolve(UndeliveredFile.FILE_NAME)));
    }
}
