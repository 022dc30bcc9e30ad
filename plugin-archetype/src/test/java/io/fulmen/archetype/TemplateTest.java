package io.fulmen.archetype;

import io.fulmen.spi.ApiVersion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The template's files, checked without generating a project (that is scripts/check-archetype, which runs
 * archetype:generate and the generated project's mvn verify): every file is copied by a file set, the services file
 * names the provider, the generated build stands alone, and plugin.requires accepts this api.
 */
class TemplateTest {
    private static final Path TEMPLATE = Path.of("src/main/resources/archetype-resources");
    private static final Path METADATA = Path.of("src/main/resources/META-INF/maven/archetype-metadata.xml");

    @Test
    void everyTemplateFileIsInAFileSet() throws IOException {
        String metadata = Files.readString(METADATA);
        Matcher m = Pattern.compile("<directory>([^<]*)</directory><includes><include>([^<]*)</include>")
                .matcher(metadata);
        List<String[]> sets = m.results().map(r -> new String[] {r.group(1), r.group(2)}).toList();
        for (String file : templateFiles()) {
            if (file.equals("pom.xml")) {
                continue;   // the archetype copies the root pom.xml by itself
            }
            assertTrue(sets.stream().anyMatch(s -> s[0].isEmpty() ? file.equals(s[1])
                            : file.startsWith(s[0] + "/") && s[1].equals("**/*")),
                    file + " is in no fileSet of archetype-metadata.xml, so generated projects would lack it");
        }
    }

    @Test
    void theServicesFileNamesTheProviderClass() throws IOException {
        String services = Files.readString(TEMPLATE.resolve(
                "src/main/resources/META-INF/services/io.fulmen.spi.CallbackProvider")).strip();
        assertEquals("${package}.EpochSummaryCallbackProvider", services);
        String provider = Files.readString(TEMPLATE.resolve("src/main/java/EpochSummaryCallbackProvider.java"));
        assertTrue(provider.contains("package ${package};")
                && provider.contains("class EpochSummaryCallbackProvider implements CallbackProvider"));
    }

    @Test
    void theGeneratedBuildStandsAloneAndBuildsItsBundle() throws IOException {
        String pom = Files.readString(TEMPLATE.resolve("pom.xml"));
        assertFalse(pom.contains("<parent>"), "a plugin project must not need Fulmen's parent pom");
        for (String needed : List.of("<artifactId>fulmen-bom</artifactId>", "<scope>import</scope>",
                "<artifactId>fulmen-api</artifactId><scope>provided</scope>",
                "<artifactId>fulmen-testkit</artifactId><scope>test</scope>",
                "<artifactId>maven-assembly-plugin</artifactId>", "<descriptor>src/bundle/bundle.xml</descriptor>",
                "<artifactId>maven-failsafe-plugin</artifactId>", "<fulmen.version>${fulmenVersion}</fulmen.version>")) {
            assertTrue(pom.contains(needed), "the template pom lacks " + needed);
        }
        assertTrue(Files.readString(METADATA).contains("<requiredProperty key=\"fulmenVersion\">"));
    }

    @Test
    void pluginRequiresAcceptsThisApiVersionOnly() throws IOException {
        String[] v = ApiVersion.CURRENT.split("\\.");
        String range = ">=" + v[0] + "." + v[1] + ".0 & <" + v[0] + "." + (Integer.parseInt(v[1]) + 1) + ".0";
        assertTrue(Files.readString(TEMPLATE.resolve("src/bundle/plugin.properties"))
                .contains("plugin.requires=" + range + "\n"), "plugin.requires should be " + range);
    }

    /** Velocity fills the template in: "##" starts a comment that would eat the rest of a line. */
    @Test
    void noTemplateLineHasAVelocityComment() throws IOException {
        for (String file : templateFiles()) {
            assertFalse(Files.readString(TEMPLATE.resolve(file)).contains("##"), file + " contains ##");
        }
    }

    private static List<String> templateFiles() throws IOException {
        try (Stream<Path> files = Files.walk(TEMPLATE)) {
            return files.filter(Files::isRegularFile).map(f -> TEMPLATE.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
