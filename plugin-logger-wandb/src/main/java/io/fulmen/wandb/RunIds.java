package io.fulmen.wandb;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/** Run ids and project names as W&amp;B accepts them. */
final class RunIds {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String ID_FORBIDDEN = ":;,#?/'";
    private static final String PROJECT_FORBIDDEN = "/\\#?%:";

    private RunIds() {}

    /** Eight characters from {@code [a-z0-9]}, as W&amp;B generates them. */
    static String generate(RandomGenerator random) {
        StringBuilder id = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    static String generate() {
        return generate(new SecureRandom());
    }

    /** {@code id}, or a failure naming the option when W&amp;B would refuse it. */
    static String checkId(String id, String option) {
        if (id.isEmpty() || !id.strip().equals(id) || id.chars().anyMatch(c -> ID_FORBIDDEN.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("invalid W&B run id '" + id + "' (" + option + "): it must be "
                    + "non-empty, without surrounding spaces and without any of " + ID_FORBIDDEN);
        }
        return id;
    }

    /** {@code project}, or a failure when W&amp;B would refuse it. */
    static String checkProject(String project) {
        if (project.length() > 128 || project.chars().anyMatch(c -> PROJECT_FORBIDDEN.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("invalid W&B project '" + project + "' (wandb.project): at most 128 "
                    + "characters, none of " + PROJECT_FORBIDDEN);
        }
        return project;
    }
}
