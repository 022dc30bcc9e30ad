package io.fulmen.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fulmen's promise of no more plumbing than Lightning, kept: the CNN program against the same program written
 * with Lightning ({@code examples/lightning/fashion_cnn.py}), counting lines that are neither blank nor comments.
 */
class LineCountTest {
    static final double MAX_RATIO = 1.5;

    static long codeLines(Path file, String... commentStarts) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty())
                .filter(l -> List.of(commentStarts).stream().noneMatch(l::startsWith)).count();
    }

    static long javaLines(Path file) throws IOException {
        return codeLines(file, "//", "/*", "*");
    }

    static long pythonLines(Path file) throws IOException {
        return codeLines(file, "#");
    }

    @Test
    void theCnnProgramTakesAtMostHalfAgainAsManyLinesAsLightnings() throws IOException {
        long java = javaLines(Path.of("src/main/java/io/fulmen/examples/cnn/FashionCnn.java"));
        long python = pythonLines(Path.of("lightning/fashion_cnn.py"));
        double ratio = (double) java / python;
        System.out.printf("FashionCnn.java: %d lines, fashion_cnn.py: %d lines, ratio %.2f%n", java, python, ratio);
        assertTrue(ratio <= MAX_RATIO, "FashionCnn.java has " + java + " code lines against Lightning's " + python
                + " (" + String.format("%.2f", ratio) + "x, at most " + MAX_RATIO + "x)");
    }
}
