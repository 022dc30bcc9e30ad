package io.fulmen.runtime.plugin;

import java.nio.file.Path;

/**
 * Why one bundle was not loaded, as the one line users see: the bundle's path, what is wrong, and how to fix it.
 * Checked, so every step of installing a bundle says which of its problems it can raise.
 */
final class BundleProblem extends Exception {
    private static final long serialVersionUID = 1L;

    BundleProblem(Path bundle, String problem, String fix) {
        super("bundle " + bundle.toAbsolutePath() + ": " + problem + "; " + fix);
    }

    BundleProblem(Path bundle, String problem, String fix, Throwable cause) {
        super("bundle " + bundle.toAbsolutePath() + ": " + problem + "; " + fix, cause);
    }
}
