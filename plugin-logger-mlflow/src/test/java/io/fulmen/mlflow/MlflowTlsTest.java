package io.fulmen.mlflow;

import io.fulmen.spi.ProviderOptions;
import io.fulmen.spi.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An HTTPS tracking server with a self-signed certificate (made by the JDK's keytool). */
class MlflowTlsTest {
    @TempDir
    Path root;

    private SSLContext selfSigned() throws Exception {
        Path store = root.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "mlflow", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=mlflow.invalid", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private MlflowLogger logger(MlflowTestServer server, Map<String, String> env, ByteArrayOutputStream console) {
        ProviderOptions o = MlflowOptions.of(Map.of("tracking_uri", server.uri(), "flush_timeout_s", "0.5"));
        return new MlflowLogger(MlflowSettings.from(o, env, root), new PrintStream(console, true,
                StandardCharsets.UTF_8));
    }

    @Test
    void anUntrustedCertificateIsRefusedWithTheFixAndInsecureTlsAcceptsIt() throws Exception {
        try (MlflowTestServer server = MlflowTestServer.startTls(selfSigned())) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            MlflowLogger verifying = logger(server, Map.of(), console);
            verifying.logMetrics(Map.of("loss", 1.0), 0);
            verifying.finish(RunStatus.SUCCESS);
            String printed = console.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("TLS handshake failed") && printed.contains("MLFLOW_TRACKING_INSECURE_TLS"),
                    printed);
            assertEquals(0, server.runs().size());

            MlflowLogger insecure = logger(server, Map.of("MLFLOW_TRACKING_INSECURE_TLS", "true"),
                    new ByteArrayOutputStream());
            insecure.logMetrics(Map.of("loss", 1.0), 0);
            insecure.finish(RunStatus.SUCCESS);
            MlflowTestServer.RunRecord run = server.run(insecure.runId().orElseThrow());
            assertEquals(1, run.metrics().size());
            assertEquals(List.of(Service.RunStatus.FINISHED), run.statusHistory());
        }
    }
}
