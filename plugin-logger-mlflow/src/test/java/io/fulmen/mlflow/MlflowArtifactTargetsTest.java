package io.fulmen.mlflow;

import io.fulmen.spi.CheckpointSaved;
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
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        MlflowLogger logger = new MlflowLogger(MlflowSettings.from(MlflowOptions.of(Map.of("tracking_uri",
                server.uri())), Map.of(), root), new PrintStream(console, true, StandardCharsets.UTF_8));
        logger.logHyperparams(Map.of("lr", 0.1));
        logger.logModelSummary("  | Name | Type\n0 | net  | Linear");
        logger.finish(RunStatus.SUCCESS);
        return logger;
    }

    @Test
    void aLargeCheckpointIsStreamedToTheProxyAndItsUploadRetried() throws Exception {
        Path checkpoint = root.resolve("checkpoints/epoch=3-step=400.ckpt");
        Files.createDirectories(checkpoint.getParent());
        byte[] bytes = new byte[24 << 20];
        new SplittableRandom(7).nextBytes(bytes);
        Files.write(checkpoint, bytes);
        MlflowLogger logger = new MlflowLogger(MlflowSettings.from(MlflowOptions.of(Map.of("tracking_uri",
                server.uri(), "log_model", "all")), Map.of(), root), new PrintStream(console, true,
                StandardCharsets.UTF_8));
        server.failNextMatching(".ckpt", 2, 503);
        logger.afterSaveCheckpoint(new CheckpointSaved(checkpoint, "val_loss", "min", 1, false, false,
                null, 0.25, checkpoint, 0.25, Map.of(checkpoint, 0.25)));
        Files.delete(checkpoint); // the callback may delete it before the upload: the staged link keeps it
        logger.finish(RunStatus.SUCCESS);
        MlflowTestServer.RunRecord run = server.run(logger.runId().orElseThrow());
        String dir = run.info().getExperimentId() + "/" + run.runId() + "/artifacts/epoch=3-step=400/";
        assertArrayEquals(bytes, server.artifacts().get(dir + "epoch=3-step=400.ckpt"));
        assertEquals("['latest', 'best']", new String(server.artifacts().get(dir + "aliases.txt")));
        assertTrue(new String(server.artifacts().get(dir + "metadata.yaml")).contains("score: 0.25"));
        assertEquals(3, server.requests().stream().filter(r -> r.method().equals("PUT")
                && r.path().endsWith(".ckpt")).count(), "two 503 answers, then the upload");
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
