package io.fulmen.runtime.cluster;

import java.util.Map;

/** Typed reads of environment variables, failing with the variable's name and value. */
final class EnvVars {
    private final Map<String, String> env;

    EnvVars(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    boolean has(String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    String string(String name, String fallback) {
        return has(name) ? env.get(name).trim() : fallback;
    }

    int integer(String name, int fallback) {
        return has(name) ? integer(name) : fallback;
    }

    int integer(String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        try {
            int value = Integer.parseInt(v.trim());
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable " + name + "='" + v + "' is not a "
                    + "non-negative integer", e);
        }
    }

    int port(String name, int fallback) {
        int port = integer(name, fallback);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("environment variable " + name + "='" + env.get(name) + "' is not a "
                    + "port (1..65535)");
        }
        return port;
    }
}
