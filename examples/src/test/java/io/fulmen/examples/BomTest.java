package io.fulmen.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BOM users import lists every published module at the reactor's version, with the DJL it was built with. */
class BomTest {
    /** Modules the BOM does not list: not published, or (the archetype) published but never a dependency. */
    private static final Set<String> NOT_PUBLISHED = Set.of("fulmen-examples", "fulmen-benchmarks", "fulmen-bom",
            "example-plugin-jsonl", "fulmen-plugin-archetype", "fulmen-cli");

    private static Path reactorRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("bom"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "no bom/ folder above " + Path.of("").toAbsolutePath());
        return dir;
    }

    private static Element pom(Path file) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return doc.getDocumentElement();
    }

    private static String child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        return null;
    }

    private static Element childElement(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + e.getTagName() + ">");
    }

    @Test
    void theBomListsEveryPublishedModuleAtTheReactorsVersionsAndDjls() throws Exception {
        Path root = reactorRoot();
        Element parent = pom(root.resolve("pom.xml"));
        Element bom = pom(root.resolve("bom/pom.xml"));
        Element parentProps = childElement(parent, "properties");
        Element bomProps = childElement(bom, "properties");
        assertEquals(child(parent, "version"), child(bom, "version"), "the BOM's own version");
        assertEquals(child(parent, "version"), child(bomProps, "fulmen.version"));
        assertEquals(child(parentProps, "djl.version"), child(bomProps, "djl.version"));
        assertEquals(child(parentProps, "pytorch.version"), child(bomProps, "pytorch.version"));

        Set<String> published = new TreeSet<>();
        NodeList modules = childElement(parent, "modules").getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String artifact = child(pom(root.resolve(modules.item(i).getTextContent().trim()).resolve("pom.xml")),
                    "artifactId");
            if (!NOT_PUBLISHED.contains(artifact)) {
                published.add(artifact);
            }
        }
        Set<String> listed = new TreeSet<>();
        List<String> wrongVersion = new ArrayList<>();
        NodeList deps = childElement(childElement(bom, "dependencyManagement"), "dependencies")
                .getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if ("io.fulmen".equals(child(d, "groupId"))) {
                listed.add(child(d, "artifactId"));
                if (!"${fulmen.version}".equals(child(d, "version"))) {
                    wrongVersion.add(child(d, "artifactId"));
                }
            }
        }
        assertEquals(published, listed, "every module users can depend on, and nothing else");
        assertEquals(List.of(), wrongVersion);
    }
}
