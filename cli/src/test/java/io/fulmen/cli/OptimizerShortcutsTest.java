package io.fulmen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LightningCLI's {@code optimizer} / {@code lr_scheduler} shortcuts: printed, checked, and used by a real fit. */
class OptimizerShortcutsTest {
    private static final String RUN = String.join("\n",
            "seed_everything: 5",
            "trainer:",
            "  max_epochs: 3",
            "  limit_train_batches: 3",
            "  limit_val_batches: 1",
            "  num_sanity_val_steps: 0",
            "  log_every_n_steps: 1",
            "  enable_progress_bar: false",
            "  enable_checkpointing: false",
            "  logger: [csv]",
            "  callbacks: [learning_rate_monitor]",
            "model:",
            "  class_path: io.fulmen.examples.fashion.LitClassifier",
            "  init_args: {hidden: 16, lr: 0.001}",
            "data:",
            "  class_path: io.fulmen.examples.fashion.FashionMnistDataModule",
            "  init_args: {batch_size: 32, limit_samples: 200}",
            "");

    @TempDir
    Path work;

    @Test
    void printConfigHoldsBothWithEveryArgumentAndTheYamlFormReadsTheSame() throws IOException {
        Result flags = fulmen("fit", "--config", config(), "--optimizer=SGD", "--optimizer.lr=0.05",
                "--optimizer.momentum", "0.9", "--lr_scheduler=torch.optim.lr_scheduler.StepLR",
                "--lr_scheduler.step_size=2", "--print_config");
        assertEquals(0, flags.status, flags.toString());
        assertTrue(flags.out.contains("optimizer:\n  class_path: SGD\n  init_args:\n    lr: 0.05\n    momentum: 0.9\n"
                + "    dampening: 0.0\n    weight_decay: 0.0\n    nesterov: false\n"), flags.out);
        assertTrue(flags.out.contains("lr_scheduler:\n  class_path: StepLR\n  init_args:\n    step_size: 2\n"
                + "    gamma: 0.1\n"), flags.out);

        Files.writeString(work.resolve("opt.yaml"), "optimizer: {class_path: torch.optim.SGD, init_args: {lr: 0.05,"
                + " momentum: 0.9}}\nlr_scheduler:\n  class_path: StepLR\n  init_args: {step_size: 2}\n");
        Result yaml = fulmen("fit", "--config", config(), "--config", work.resolve("opt.yaml").toString(),
                "--print_config");
        assertEquals(flags.out, yaml.out, "flags and YAML resolve to the same configuration");

        Result none = fulmen("fit", "--config", config(), "--print_config");
        assertTrue(none.out.contains("optimizer: null\nlr_scheduler: null\n"), none.out);
    }

    @Test
    void mistakesNameTheKeyAndWhatExists() {
        Result unknown = fulmen("fit", "--config", config(), "--optimizer=Adamm");
        assertEquals(Fulmen.USAGE, unknown.status, unknown.toString());
        assertTrue(unknown.err.contains("optimizer.class_path: unknown optimizer 'Adamm'; Fulmen has Adam, AdamW, SGD."
                + " Did you mean 'Adam'?"), unknown.err);

        Result argument = fulmen("fit", "--config", config(), "--optimizer=Adam", "--optimizer.lrr=0.1");
        assertEquals(Fulmen.USAGE, argument.status, argument.toString());
        assertTrue(argument.err.contains("unknown key optimizer.init_args.lrr: Adam takes lr, betas, eps, weight_decay."
                + " Did you mean 'optimizer.init_args.lr'?"), argument.err);

        Result type = fulmen("fit", "--config", config(), "--optimizer=Adam", "--optimizer.betas=[0.9]");
        assertEquals(Fulmen.USAGE, type.status, type.toString());
        assertTrue(type.err.contains("optimizer.init_args.betas: expected [float, float], got [0.9] (list)"), type.err);

        Result required = fulmen("fit", "--config", config(), "--optimizer=Adam", "--lr_scheduler=StepLR");
        assertEquals(Fulmen.USAGE, required.status, required.toString());
        assertTrue(required.err.contains("missing lr_scheduler.init_args.step_size: StepLR needs it (int)"),
                required.err);

        Result alone = fulmen("fit", "--config", config(), "--lr_scheduler=ExponentialLR",
                "--lr_scheduler.gamma=0.9");
        assertEquals(Fulmen.USAGE, alone.status, alone.toString());
        assertTrue(alone.err.contains("lr_scheduler ExponentialLR needs an optimizer to schedule"), alone.err);

        Result schedule = fulmen("fit", "--config", config(), "--lr_scheduler=ReduceLROnPlateau");
        assertTrue(schedule.err.contains("unknown schedule 'ReduceLROnPlateau'; Fulmen has StepLR, MultiStepLR,"),
                schedule.err);
    }

    @Test
    void helpListsEveryOptimizerAndScheduleWithItsArguments() {
        Result help = fulmen("fit", "--help");
        assertEquals(0, help.status, help.toString());
        String flat = help.out.replaceAll("\\s+", ""); // picocli wraps long lines anywhere
        List<OptimizerShortcuts.Shortcut> all = new ArrayList<>(OptimizerShortcuts.OPTIMIZERS);
        all.addAll(OptimizerShortcuts.SCHEDULERS);
        for (OptimizerShortcuts.Shortcut s : all) {
            assertTrue(flat.contains(s.signature().replaceAll("\\s+", "")), s.signature() + "\n" + help.out);
        }
        assertTrue(flat.contains("Adam(lr=0.001,betas=[0.9,0.999],eps=1.0e-8,weight_decay=0.0)"), help.out);
        assertTrue(help.out.contains("--optimizer=Adam --optimizer.lr=0.01"), help.out);
    }

    /** The model's own configureOptimizers uses Adam: the run's learning rates show SGD, halved every epoch. */
    @Test
    void aFitUsesTheConfiguredOptimizerAndScheduleInsteadOfTheModels() throws IOException {
        Result fit = fulmen("fit", "--config", config(), "--trainer.default_root_dir=" + work.resolve("root"),
                "--optimizer=SGD", "--optimizer.lr=0.05", "--lr_scheduler=StepLR", "--lr_scheduler.step_size=1",
                "--lr_scheduler.gamma=0.5");
        assertEquals(0, fit.status, fit.toString());
        assertTrue(fit.err.contains("warning: LitClassifier.configureOptimizers() is replaced by the configuration's"
                + " optimizer SGD"), fit.err);

        List<String> lines = Files.readAllLines(work.resolve("root/fulmen_logs/version_0/metrics.csv"));
        List<String> header = List.of(lines.get(0).split(",", -1));
        assertFalse(header.contains("lr-Adam"), header.toString());
        int column = header.indexOf("lr-SGD");
        assertTrue(column >= 0, header.toString());
        TreeSet<String> rates = new TreeSet<>();
        List<String> all = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String cell = line.split(",", -1)[column];
            if (!cell.isEmpty()) {
                rates.add(String.format(Locale.ROOT, "%.6f", Double.parseDouble(cell)));
                all.add(cell);
            }
        }
        assertEquals(new TreeSet<>(List.of("0.012500", "0.025000", "0.050000")), rates, all.toString());
    }

    private String config() {
        Path file = work.resolve("run.yaml");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, RUN);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file.toString();
    }

    private record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }

    private static Result fulmen(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Fulmen.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
