package io.fulmen.cli;

import io.fulmen.runtime.Trainer;
import io.fulmen.runtime.TrainerBuilder;
import io.fulmen.runtime.plugin.PluginRegistry;
import io.fulmen.runtime.report.ReportWriter;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code fulmen} command, Lightning's {@code LightningCLI} for the JVM:
 * {@code fulmen fit --config run.yaml --trainer.max_epochs=5 --model.lr=1e-3}; also {@code validate},
 * {@code test}, {@code predict}, {@code plugins} and {@code report LOG_DIR} (the training report of a finished
 * run). Exit status 0 when done, 1 when the run failed, 2 for a usage or configuration mistake.
 * {@code docs/cli.md} describes the configuration.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Fulmen {
    /** Exit status of a run that failed. */
    public static final int FAILED = 1;
    /** Exit status of a mistake in the command line or the configuration. */
    public static final int USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;

    private Fulmen(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new Fulmen(System.out, System.err).execute(args));
    }

    /**
     * Runs the command, writing to {@code out} and {@code err}.
     *
     * @param args the command line
     * @param out  where results, listings and help go
     * @param err  where errors go
     * @return the exit status: 0, {@link #FAILED} or {@link #USAGE}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new Fulmen(out, err).execute(args);
    }

    private int execute(String[] args) {
        String version = String.valueOf(Fulmen.class.getPackage().getImplementationVersion());
        CommandLine line = CommandLines.create(version);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        String command = "fulmen";
        try {
            ParseResult parsed = line.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return 0;
            }
            ParseResult sub = parsed.subcommand();
            if (sub == null) {
                err.println("fulmen: name a subcommand");
                line.usage(err);
                return USAGE;
            }
            command = "fulmen " + sub.commandSpec().name();
            if (sub.commandSpec().name().equals("plugins")) {
                return plugins(sub);
            }
            if (sub.commandSpec().name().equals("report")) {
                return report(sub);
            }
            return new RunCommand(out, err).run(invocation(sub));
        } catch (CommandLine.ParameterException | UsageException e) {
            err.println(command + ": error: " + e.getMessage());
            err.println("Run '" + command + " --help' for the options.");
            return USAGE;
        } catch (RuntimeException | Error e) {
            err.println(command + " failed: " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                err.println("  caused by: " + c);
            }
            return FAILED;
        }
    }

    private int plugins(ParseResult sub) {
        TrainerBuilder sources = Trainer.builder()
                .allowWritablePluginsDir(sub.matchedOptionValue("--allow_writable_plugins_dir", false));
        String folder = sub.matchedOptionValue("--plugins_dir", null);
        if (folder != null) {
            sources.pluginsDir(Path.of(folder));
        }
        try (PluginRegistry registry = PluginRegistry.discover(Fulmen.class.getClassLoader(),
                sources.pluginsFolder(), sources.bundlePolicy())) {
            out.print(registry.render());
        }
        return 0;
    }

    private int report(ParseResult sub) {
        Path logDir = Path.of(sub.matchedPositionals().get(0).<String>getValue());
        if (!Files.isDirectory(logDir)) {
            throw new UsageException("no such run folder: " + logDir);
        }
        try {
            out.println("Training report: " + ReportWriter.write(logDir).toUri());
        } catch (IOException e) {
            err.println("fulmen report failed: " + e.getMessage()); // names the file (and a damaged record's offset)
            return FAILED;
        }
        return 0;
    }

    private static RunCommand.Invocation invocation(ParseResult sub) {
        List<Path> configs = new ArrayList<>();
        for (String c : sub.matchedOptionValue("--config", new String[0])) {
            configs.add(Path.of(c));
        }
        List<Map.Entry<String, String>> overrides = new ArrayList<>();
        for (String key : CommandLines.overrideKeys()) {
            String value = sub.matchedOptionValue("--" + key, null);
            if (value != null) {
                overrides.add(new AbstractMap.SimpleImmutableEntry<>(key, value));
            }
        }
        List<String> rest = sub.matchedPositionals().isEmpty() ? List.of()
                : List.of(sub.matchedPositionals().get(0).<String[]>getValue());
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "': overrides are written --KEY=VALUE");
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                overrides.add(new AbstractMap.SimpleImmutableEntry<>(arg.substring(2, eq), arg.substring(eq + 1)));
            } else if (i + 1 < rest.size()) {
                overrides.add(new AbstractMap.SimpleImmutableEntry<>(arg.substring(2), rest.get(++i)));
            } else {
                throw new UsageException(arg + " needs a value: " + arg + "=VALUE");
            }
        }
        return new RunCommand.Invocation(sub.commandSpec().name(), configs, overrides,
                sub.matchedOptionValue("--classpath", null), sub.matchedOptionValue("--print_config", false));
    }
}
