package io.fulmen.mlflow;

import io.fulmen.spi.PluginOptions;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where artifacts go, by the run's artifact URI: the server's proxy, a local path, or nowhere (said so). */
class MlflowArtifactTargetsTest {
    @TempDir
    Path root;
    MlflowTestServer server;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() {
        server = MlflowTestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private MlflowLogger loggedRun() {
        MlflowLogger logger = new MlflowLogger(MlflowSettings.from(new PluginOptions(Map.of("tracking_uri",
                server.uri())), Map.of(), root), new PrintStream(console, true, StandardCharsets.UTF_8));
        logger.logHyperparams(Map.of("lr", 0.1));
        logger.logModelSummary("  | Name | Type\n0 | net  | Linear");
        logger.finish(RunStatus.SUCCESS);
        return logger;
    }

    @Test
    void aLocalArtifactRootGetsCopies() throws Exception {
        Path store = root.resolve("shared-artifacts");
        server.artifactRootForNewRuns(store.toUri().toString());
        MlflowLogger logger = loggedRun();
        MlflowTestServer.RunRecord run = server.run(logger.runId().orElseThrow());
        Path artifacts = Path.of(java.net.URI.create(run.info().getArtifactUri()));
        assertTrue(artifacts.startsWith(store), artifacts.toString());
        assertEquals(Files.readString(logger.logDir().resolve("hparams.yaml")),
                Files.readString(artifacts.resolve("hparams.yaml")));
        assertEquals("  | Name | Type\n0 | net  | Linear\n", Files.readString(artifacts.resolve("model_summary.txt")));
        assertEquals(Map.of(), server.artifacts(), "nothing went through the proxy");
    }

    @Test
    void anObjectStoreUriIsReportedAndTheFilesStayOnDisk() throws Exception {
        server.artifactRootForNewRuns("s3://bucket/mlflow");
        MlflowLogger logger = loggedRun();
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("not retried: 2 artifacts"), printed);
        String rejected = Files.readString(logger.logDir().resolve(UndeliveredFile.REJECTED_FILE_NAME));
        assertTrue(rejected.contains("s3://bucket/mlflow") && rejected.contains("artifact proxy"), rejected);
        assertTrue(Files.exists(logger.logDir().resolve("hparams.yaml")));
        assertEquals(1, server.run(logger.runId().orElseThrow()).params().size());
    }
}
