package io.fulmen.wandb;

import java.util.List;

/**
 * What the run record says about a run: its id, where it goes on the server and how it is shown. Empty strings
 * leave a field to the server's default (the user's entity; no group, job type, name or notes).
 */
record RunInfo(String id, String project, String entity, String displayName, String group, String jobType,
               String notes, List<String> tags, String host, long startMillis) {
    RunInfo {
        tags = List.copyOf(tags);
    }
}
