package io.fulmen.spi;

import java.nio.file.Path;

/** What a logger is created with: the Trainer's root directory and the user's options. */
public record LoggerContext(Path rootDir, PluginOptions options) {}
