package io.fulmen.runtime.plugin;

import io.fulmen.spi.ExperimentLoggerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.fulmen.runtime.plugin.TestBundles.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which bundle wins, and what is said about the others; every refusal is one line with path and fix. */
class BundleResolutionTest {
    @TempDir
    Path root;

    private Path plugins() {
        return root.resolve("plugins");
    }

    private PluginRegistry discover() {
        return PluginRegistry.discover(getClass().getClassLoader(), plugins());
    }

    @Test
    void aNameOfferedByTwoBundlesGoesToTheFirstByFileNameWhateverTheirIds() throws Exception {
        // Ids in the reverse order of the file names: HashMap order of ids would pick the other one.
        Path first = TestBundles.zip(plugins(), "a-first", properties("zzz", "1.0.0"),
                TestBundles.loggerJar(root, "one", "dup", "from a-first", 0));
        Path second = TestBundles.zip(plugins(), "b-second", properties("aaa", "1.0.0"),
                TestBundles.loggerJar(root, "two", "dup", "from b-second", 0));
        for (int i = 0; i < 3; i++) {
            try (PluginRegistry r = discover()) {
                assertEquals("from a-first", r.providers(ExperimentLoggerProvider.class).resolve("dup").description());
                List<String> conflicts = r.conflicts();
                assertEquals(1, conflicts.size(), conflicts.toString());
                assertTrue(conflicts.get(0).contains(first.toString()) && conflicts.get(0).contains(second.toString()),
                        conflicts.get(0));
            }
        }
    }

    @Test
    void ofSeveralVersionsOfOnePluginTheHighestLoadsAndTheOthersAreReported() throws Exception {
        Path old = TestBundles.zip(plugins(), "jsonl-0.9.0", properties("jsonl", "0.9.0"),
                TestBundles.loggerJar(root, "nine", "jsonl", "0.9.0", 0));
        Path newest = TestBundles.zip(plugins(), "jsonl-0.10.0", properties("jsonl", "0.10.0"),
                TestBundles.loggerJar(root, "ten", "jsonl", "0.10.0", 0));
        try (PluginRegistry r = discover()) {
            assertEquals(List.of(), r.failures());
            assertEquals(List.of(), r.conflicts());
            assertEquals("0.10.0", r.providers(ExperimentLoggerProvider.class).resolve("jsonl").description());
            assertEquals(1, r.notices().size(), r.notices().toString());
            String n = r.notices().get(0);
            assertTrue(n.contains(old.toString()) && n.contains(newest.toString()) && n.contains("newer")
                    && n.contains("remove jsonl-0.9.0.zip"), n);
            assertTrue(r.render().contains("notice:   " + n), r.render());
        }
    }

    @Test
    void aBundleOutrankingTheClasspathForTheDefaultLoggerIsReported() throws Exception {
        TestBundles.zip(plugins(), "loud", properties("loud", "1.0.0"),
                TestBundles.loggerJar(root, "loud", "loud", "wants to be the default", 1_000_000));
        try (PluginRegistry r = discover()) {
            assertTrue(r.notices().stream().anyMatch(n -> n.startsWith("logger 'loud' from bundle loud@1.0.0")
                    && n.contains("outranks 'csv' from classpath:") && n.contains("default logger")),
                    r.notices().toString());
        }
    }

    @Test
    void aServicesFileTypoIsOneFailureLineAndTheBundlesOtherProvidersStillLoad() throws Exception {
        Path jar = TestBundles.jar(root, "typo", TestBundles.loggerSource("typo", "typo", "fine", 0),
                "# the logger\ntypo.Provider\ntypo.Provdier\n");
        Path zip = TestBundles.zip(plugins(), "typo", properties("typo", "1.0.0"), jar);
        try (PluginRegistry r = discover()) {
            assertEquals("fine", r.providers(ExperimentLoggerProvider.class).resolve("typo").description());
            assertEquals(1, r.failures().size(), r.failures().toString());
            String f = r.failures().get(0);
            assertTrue(f.startsWith("bundle " + zip + ": typo.jar!/META-INF/services/"
                    + ExperimentLoggerProvider.class.getName() + " names typo.Provdier, which is not in the bundle; "
                    + "correct the class name"), f);
        }
    }

    @Test
    void aBareJarIsReportedWithWhatToDoInstead() throws Exception {
        Files.createDirectories(plugins());
        Path jar = Files.copy(TestBundles.loggerJar(root, "bare", "bare", "bare", 0), plugins().resolve("bare.jar"));
        try (PluginRegistry r = discover()) {
            assertEquals(List.of("bundle " + jar + ": a bare jar is not a bundle; put it in a zip with "
                    + "plugin.properties at the root and the jar in lib/ (docs/writing-plugins.md, 'Build the bundle'), "
                    + "or add the jar to the application's classpath"), r.failures());
        }
    }

    @Test
    void anUnparsableFieldOfPluginPropertiesIsNamed() throws Exception {
        Path jar = TestBundles.loggerJar(root, "bad", "bad", "bad", 0);
        Path requires = TestBundles.zip(plugins(), "requires", "plugin.id=r\nplugin.version=1.0.0\n"
                + "plugin.requires=at least 0.2\n", jar);
        Path version = TestBundles.zip(plugins(), "version", "plugin.id=v\nplugin.version=one\n", jar);
        Path noId = TestBundles.zip(plugins(), "noid", "plugin.version=1.0.0\n", jar);
        try (PluginRegistry r = discover()) {
            assertEquals(3, r.failures().size(), r.failures().toString());
            assertTrue(r.failures().get(0).startsWith("bundle " + noId + ": plugin.properties has no plugin.id"),
                    r.failures().get(0));
            assertTrue(r.failures().get(1).startsWith("bundle " + requires + ": plugin.requires 'at least 0.2' is "
                    + "not a version range") && r.failures().get(1).endsWith("write it like >=0.2.0 & <0.3.0"),
                    r.failures().get(1));
            assertTrue(r.failures().get(2).startsWith("bundle " + version + ": plugin.version 'one' is not a "
                    + "semantic version"), r.failures().get(2));
            r.failures().forEach(f -> assertTrue(!f.contains("\n"), f));
        }
    }
}
