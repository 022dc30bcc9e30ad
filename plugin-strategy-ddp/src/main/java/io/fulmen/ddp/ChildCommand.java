package io.fulmen.ddp;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line that started this JVM, to start more processes of the same program (Lightning's subprocess
 * launcher re-runs {@code sys.argv}): the java binary, then this JVM's arguments exactly as the operating system
 * has them, or when it does not tell, the JVM arguments, class path, main class and arguments that the JVM
 * reports.
 */
final class ChildCommand {
    private ChildCommand() {}

    /** The java binary running this JVM. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** This JVM's command with {@code extraJvmArgs} placed first, where a later user argument still wins. */
    static List<String> ofThisJvm(List<String> extraJvmArgs) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> out = new ArrayList<>();
        out.add(javaBinary());
        out.addAll(extraJvmArgs);
        String[] args = info.arguments().orElse(null);
        if (args != null && args.length > 0) {
            out.addAll(Arrays.asList(args));
            return out;
        }
        String command = System.getProperty("sun.java.command");
        if (command == null || command.isBlank()) {
            throw new IllegalStateException("cannot tell how this JVM was started (no process arguments, no "
                    + "sun.java.command) to launch the other ranks: start every rank yourself with fulmen-run or "
                    + "torchrun-style variables (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK)");
        }
        out.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String[] main = command.trim().split("\\s+");
        if (main[0].endsWith(".jar")) {
            out.add("-jar");
        } else {
            out.add("-cp");
            out.add(System.getProperty("java.class.path"));
        }
        out.addAll(Arrays.asList(main));
        return out;
    }
}
