package io.fulmen.runtime;

import io.fulmen.LightningModule;
import io.fulmen.runtime.callbacks.ModelSummary;
import io.fulmen.runtime.report.ReportWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code report(true)}: the model summary and {@code report.html} in the log directory once a fit has ended. */
final class RunReport {
    private static final Logger LOG = LoggerFactory.getLogger(RunReport.class);

    private RunReport() {}

    /** A report that cannot be written is a warning: the training it describes has succeeded. */
    static void write(Path logDir, LightningModule module, PrintStream out) {
        try {
            Files.createDirectories(logDir);
            Files.writeString(logDir.resolve(ReportWriter.MODEL_SUMMARY_FILE),
                    ModelSummary.render(module.block()) + System.lineSeparator(), StandardCharsets.UTF_8);
            Path report = ReportWriter.write(logDir);
            out.println("Training report: " + report.toUri());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the training report to {}: {}", logDir, e.toString());
        }
    }
}
