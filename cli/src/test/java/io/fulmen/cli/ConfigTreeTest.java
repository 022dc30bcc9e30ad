package io.fulmen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTreeTest {
    @TempDir
    Path dir;

    @Test
    void filesMergeInOrderKeyByKeyAndOverridesComeLast() throws Exception {
        Path base = Files.writeString(dir.resolve("base.yaml"),
                "trainer:\n  max_epochs: 5\n  precision: 32-true\nmodel:\n  init_args: {lr: 0.1, hidden: 8}\n");
        Path small = Files.writeString(dir.resolve("small.yaml"), "trainer:\n  max_epochs: 1\n");
        ConfigTree tree = new ConfigTree();
        tree.mergeFile(base);
        tree.mergeFile(small);
        tree.override("model.init_args.lr", "1e-3");
        tree.override("trainer.callbacks", "[{name: early_stopping, patience: 3}]");

        Map<String, Object> trainer = ConfigTree.mapping(tree.root().get("trainer"));
        assertEquals(1, trainer.get("max_epochs"));
        assertEquals("32-true", trainer.get("precision"));
        assertEquals(List.of(Map.of("name", "early_stopping", "patience", 3)), trainer.get("callbacks"));
        Map<String, Object> args = ConfigTree.mapping(ConfigTree.mapping(tree.root().get("model")).get("init_args"));
        assertEquals(0.001, args.get("lr"));
        assertEquals(8, args.get("hidden"));
    }

    @Test
    void aFileThatIsNotAMappingIsAUsageError() throws Exception {
        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        UsageException e = assertThrows(UsageException.class, () -> new ConfigTree().mergeFile(list));
        assertTrue(e.getMessage().contains("expected a mapping"), e.getMessage());
    }

    @Test
    void yamlTagsBuildNoObjects() throws Exception {
        Path tagged = Files.writeString(dir.resolve("tagged.yaml"), "model: !!java.io.File [/tmp]\n");
        assertThrows(UsageException.class, () -> new ConfigTree().mergeFile(tagged));
    }
}
