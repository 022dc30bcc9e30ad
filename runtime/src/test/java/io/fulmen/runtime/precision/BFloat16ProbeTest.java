package io.fulmen.runtime.precision;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Why {@code bf16-*} are refused: on DJL's PyTorch engine any bfloat16 cast or allocation kills the process. DJL
 * passes {@code DataType.BFLOAT16.ordinal()} (11) to JNI, whose {@code GetScalarTypeFromDType} has cases only for
 * 0 to 8 and a bare {@code throw;} as default; with no exception active that calls {@code std::terminate}. Run in a
 * child JVM so the abort cannot take the test run with it. When this test fails, DJL has learnt bfloat16: support
 * {@code bf16-mixed} and {@code bf16-true} instead of refusing them.
 */
class BFloat16ProbeTest {
    @Test
    void bfloat16CastAndAllocationAbortTheJvmWhileFloat16Works() throws Exception {
        for (String mode : List.of("cast", "zeros")) {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process child = new ProcessBuilder(java, "-cp", classpath, "-Dai.djl.offline=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", BFloat16ProbeChild.class.getName(), mode)
                    .redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), output);
            assertTrue(output.contains("float16 float16"), "float16 works: " + output);
            assertNotEquals(0, child.exitValue(), mode + ": " + output);
            assertTrue(output.contains("terminate called without an active exception"), mode + ": " + output);
            assertTrue(!output.contains("bfloat16 "), output);
        }
    }
}
