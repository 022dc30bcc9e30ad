package io.fulmen.wandb;

import io.fulmen.logging.RunDirectory;
import org.apiguardian.api.API;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link WandbLogger} is configured with: Lightning's {@code WandbLogger} arguments that mean something
 * offline. Immutable; built by {@link WandbLogger#builder}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class WandbSettings {
    /** The project when none is given (Lightning's is {@code lightning_logs}). */
    public static final String DEFAULT_PROJECT = RunDirectory.DEFAULT_NAME;
    /** Records buffered before logging blocks, when not configured. */
    public static final int DEFAULT_MAX_QUEUE = 10_000;

    /** Lightning's {@code log_model}: which checkpoints go into the run's files. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
    public enum LogModel {
        /** None ({@code log_model=False}). */
        NONE,
        /** The kept checkpoints when the fit succeeds ({@code log_model=True}). */
        END,
        /** Every checkpoint as it is saved ({@code log_model="all"}). */
        ALL
    }

    private final Path rootDir;
    private final Path saveDir;
    private final RunDirectory runDirectory;
    private final String project;
    private final String entity;
    private final String name;
    private final String id;
    private final String group;
    private final String jobType;
    private final String notes;
    private final List<String> tags;
    private final String prefix;
    private final LogModel logModel;
    private final Map<String, Object> config;
    private final int maxQueue;

    private WandbSettings(Builder b) {
        rootDir = b.rootDir;
        saveDir = b.saveDir == null ? null : rootDir.resolve(b.saveDir).normalize();
        runDirectory = b.saveDir == null ? (b.runDirectory != null ? b.runDirectory : RunDirectory.under(rootDir))
                : null;
        project = b.project;
        entity = b.entity;
        name = b.name;
        id = b.id;
        group = b.group;
        jobType = b.jobType;
        notes = b.notes;
        tags = List.copyOf(b.tags);
        prefix = b.prefix;
        logModel = b.logModel;
        config = new LinkedHashMap<>(b.config);
        maxQueue = b.maxQueue;
    }

    static Builder builder(Path rootDir) {
        return new Builder(rootDir);
    }

    /** {@code <save_dir>}: the given one under the root, else the Trainer's run directory (claimed by this call). */
    public Path saveDir() {
        return saveDir != null ? saveDir : runDirectory.path();
    }

    /** The Trainer's run directory the run goes into; null when a save directory was given. */
    public RunDirectory runDirectory() {
        return runDirectory;
    }

    /** The W&amp;B project. */
    public String project() {
        return project;
    }

    /** The run id that was asked for, if any. */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /** Lightning's {@code prefix}: joined to every metric key with {@code "-"}. */
    public String prefix() {
        return prefix;
    }

    /** Which checkpoints go into the run's files. */
    public LogModel logModel() {
        return logModel;
    }

    /** Starts the run in {@code <saveDir>/wandb/}, continuing an earlier run of the same id found there. */
    WandbRun startRun() {
        Path wandbDir = RunFolders.wandbDir(saveDir());
        Optional<RunFolders.Run> earlier = id != null ? RunFolders.newest(wandbDir, id)
                : saveDir == null ? RunFolders.newest(wandbDir, null) : Optional.empty();
        ResumePoint resume = earlier.map(r -> ResumePoint.of(r.log())).orElse(ResumePoint.START);
        String runId = earlier.map(RunFolders.Run::id).orElseGet(() -> id != null ? id : RunIds.generate());
        RunInfo info = new RunInfo(runId, project, entity, name, group, jobType, notes, tags, host(),
                System.currentTimeMillis());
        return WandbRun.start(wandbDir, info, config, resume, maxQueue);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Configures a {@link WandbLogger}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
    public static final class Builder {
        private final Path rootDir;
        private Path saveDir;
        private RunDirectory runDirectory;
        private String project = DEFAULT_PROJECT;
        private String entity = "";
        private String name = "";
        private String id;
        private String group = "";
        private String jobType = "";
        private String notes = "";
        private List<String> tags = List.of();
        private String prefix = "";
        private LogModel logModel = LogModel.NONE;
        private final Map<String, Object> config = new LinkedHashMap<>();
        private int maxQueue = DEFAULT_MAX_QUEUE;

        private Builder(Path rootDir) {
            this.rootDir = Objects.requireNonNull(rootDir, "rootDir");
        }

        /** Lightning's {@code save_dir}: the runs go to {@code <saveDir>/wandb/} (resolved against the root). */
        public Builder saveDir(Path saveDir) {
            this.saveDir = Objects.requireNonNull(saveDir, "saveDir");
            return this;
        }

        /** Without a save directory, the Trainer's run directory to write into (default: a new one under the root). */
        public Builder runDirectory(RunDirectory run) {
            this.runDirectory = Objects.requireNonNull(run, "run");
            return this;
        }

        /** The project; default {@value WandbSettings#DEFAULT_PROJECT}. */
        public Builder project(String project) {
            this.project = RunIds.checkProject(Objects.requireNonNull(project, "project"));
            return this;
        }

        /** The entity (user or team); empty means the uploading user's default. */
        public Builder entity(String entity) {
            this.entity = Objects.requireNonNull(entity, "entity");
            return this;
        }

        /** The run's display name ({@code name}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The run id ({@code id} or {@code version}); a run of this id in the save directory is continued. */
        public Builder id(String id) {
            this.id = RunIds.checkId(Objects.requireNonNull(id, "id"), "wandb.id");
            return this;
        }

        /** The run's group. */
        public Builder group(String group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** The run's job type. */
        public Builder jobType(String jobType) {
            this.jobType = Objects.requireNonNull(jobType, "jobType");
            return this;
        }

        /** The run's notes. */
        public Builder notes(String notes) {
            this.notes = Objects.requireNonNull(notes, "notes");
            return this;
        }

        /** The run's tags. */
        public Builder tags(List<String> tags) {
            this.tags = List.copyOf(tags);
            return this;
        }

        /** Joined to every metric key with {@code "-"}, as Lightning's {@code prefix}. */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Lightning's {@code log_model}. */
        public Builder logModel(LogModel logModel) {
            this.logModel = Objects.requireNonNull(logModel, "logModel");
            return this;
        }

        /** Adds to the run's initial config (in the run record). */
        public Builder config(Map<String, ?> values) {
            config.putAll(values);
            return this;
        }

        /** Records buffered before logging blocks; at least 1. */
        public Builder maxQueue(int maxQueue) {
            if (maxQueue < 1) {
                throw new IllegalArgumentException("max_queue must be >= 1, got " + maxQueue);
            }
            this.maxQueue = maxQueue;
            return this;
        }

        /** The logger; it starts its run at its first use. */
        public WandbLogger build() {
            return new WandbLogger(new WandbSettings(this));
        }
    }
}
