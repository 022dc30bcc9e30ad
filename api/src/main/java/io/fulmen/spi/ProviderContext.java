package io.fulmen.spi;

import io.fulmen.logging.RunDirectory;
import org.apiguardian.api.API;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a provider is asked about ({@link ComponentProvider#availability}) and created with
 * ({@link ComponentProvider#create}): the Trainer's root directory, the node count, the accelerator once it is
 * resolved (accelerators are resolved first, so an accelerator provider sees none; strategies, precisions, loggers
 * and callbacks see its name and device count), the run directory its loggers and checkpoints share, and the
 * provider's own options. Immutable (the run directory is shared, not copied); the {@code with} methods return a
 * copy.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class ProviderContext {
    private final Path rootDir;
    private final String accelerator;
    private final int devices;
    private final int numNodes;
    private final ProviderOptions options;
    private final RunDirectory runDirectory;

    private ProviderContext(Path rootDir, String accelerator, int devices, int numNodes, ProviderOptions options,
                            RunDirectory runDirectory) {
        this.rootDir = Objects.requireNonNull(rootDir, "rootDir");
        this.accelerator = accelerator;
        this.devices = devices;
        this.numNodes = numNodes;
        this.options = Objects.requireNonNull(options, "options");
        this.runDirectory = Objects.requireNonNull(runDirectory, "runDirectory");
    }

    /**
     * A context with {@code rootDir}, one node, no accelerator resolved, no options and a new (unclaimed) run
     * directory {@code <rootDir>/fulmen_logs/version_N}.
     */
    public static ProviderContext of(Path rootDir) {
        return new ProviderContext(rootDir, null, 0, 1, ProviderOptions.of("", List.of(), Map.of()),
                RunDirectory.under(Objects.requireNonNull(rootDir, "rootDir")));
    }

    /** Where logs and checkpoints go ({@code default_root_dir}). */
    public Path rootDir() {
        return rootDir;
    }

    /** The resolved accelerator's name ({@code "cpu"}); empty while accelerators themselves are resolved. */
    public Optional<String> accelerator() {
        return Optional.ofNullable(accelerator);
    }

    /** The devices the run uses on each node; empty while accelerators themselves are resolved. */
    public OptionalInt devices() {
        return accelerator == null ? OptionalInt.empty() : OptionalInt.of(devices);
    }

    /** {@code num_nodes}. */
    public int numNodes() {
        return numNodes;
    }

    /** This provider's options. */
    public ProviderOptions options() {
        return options;
    }

    /**
     * The Trainer's run directory, one for all the providers of a Trainer: a logger created with its default name
     * and version writes into it, so that every logger and the checkpoints of a run share one {@code version_N}.
     */
    public RunDirectory runDirectory() {
        return runDirectory;
    }

    /** This context with the accelerator resolved: its name and the device count per node. */
    public ProviderContext withAccelerator(String name, int deviceCount) {
        Objects.requireNonNull(name, "name");
        if (deviceCount < 1) {
            throw new IllegalArgumentException("deviceCount must be at least 1, got " + deviceCount);
        }
        return new ProviderContext(rootDir, name, deviceCount, numNodes, options, runDirectory);
    }

    /** This context with {@code numNodes} nodes. */
    public ProviderContext withNumNodes(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("numNodes must be at least 1, got " + value);
        }
        return new ProviderContext(rootDir, accelerator, devices, value, options, runDirectory);
    }

    /** This context with {@code value} as the provider's options. */
    public ProviderContext withOptions(ProviderOptions value) {
        return new ProviderContext(rootDir, accelerator, devices, numNodes, value, runDirectory);
    }

    /** This context with {@code value} as the run directory its loggers share. */
    public ProviderContext withRunDirectory(RunDirectory value) {
        return new ProviderContext(rootDir, accelerator, devices, numNodes, options,
                Objects.requireNonNull(value, "runDirectory"));
    }

    /** This context with {@code provider}'s options set to {@code values} (keys without the provider's name). */
    public ProviderContext withOptions(ComponentProvider<?> provider, Map<String, String> values) {
        return withOptions(ProviderOptions.of(provider, values));
    }

    /** A short description for messages: {@code "cpu, 1 device(s) on 1 node(s)"}. */
    @Override
    public String toString() {
        return (accelerator == null ? "no accelerator yet" : accelerator + ", " + devices + " device(s)") + " on "
                + numNodes + " node(s)";
    }
}
