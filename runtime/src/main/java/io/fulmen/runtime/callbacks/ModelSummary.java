package io.fulmen.runtime.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import ai.djl.util.Pair;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import org.apiguardian.api.API;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Prints a table of the model's top-level blocks and its parameter counts when training starts, as Lightning's
 * {@code ModelSummary} callback with {@code max_depth=1}:
 * <pre>
 *   | Name          | Type         | Params | In sizes        | Out sizes
 * -----------------------------------------------------------------------------
 * 0 | 01LambdaBlock | batchFlatten | 0      | [64, 1, 28, 28] | [64, 784]
 * 1 | 02Linear      | Linear       | 100 K  | [64, 784]       | [64, 128]
 * ...
 * -----------------------------------------------------------------------------
 * 101 K     Trainable params
 * 0         Non-trainable params
 * 101 K     Total params
 * 0.407     Total estimated model params size (MB)
 * </pre>
 * Rows are the children of {@link LightningModule#block()} (or the block itself when it has none), named as DJL
 * names them among its children (the names its parameters are filed under). {@code Type} is the block's class, or
 * for a function block ({@code LambdaBlock}) the name DJL gave it ({@code batchFlatten}, {@code ReLU},
 * {@code maxPool2d}), {@code Lambda} when it has none. {@code Params} counts all of a row's parameters, trainable
 * or not. The size assumes 4 bytes per parameter, as Lightning does for 32-bit precision.
 * <p>
 * {@code In sizes} and {@code Out sizes} start from the shapes DJL initialised the block with, those of the first
 * inputs the Trainer ran it on (unless the module initialised it itself), and follow them through a
 * {@code SequentialBlock}'s or {@code ParallelBlock}'s children; a size that cannot be known so is {@code ?}. As
 * Lightning leaves both columns out without an example input, they are left out while the block is not
 * initialised.
 * <p>
 * DJL creates parameters from the first batch, so the table is printed at train start when the block is already
 * initialised, else after the first training batch; once per fit, on global rank 0.
 */
@API(status = API.Status.MAINTAINED, since = "0.1.0")
public final class ModelSummary implements Callback {
    private static final String[] UNITS = {" ", "K", "M", "B", "T"};

    private final PrintStream out;
    private boolean printed;

    /** Prints the summary to {@code out}. */
    public ModelSummary(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Prints the summary to {@code System.out}. */
    public static ModelSummary toConsole() {
        return new ModelSummary(System.out);
    }

    @Override
    public void setup(TrainerView trainer, LightningModule module, Stage stage) {
        if (stage == Stage.FIT) {
            printed = false;
        }
    }

    @Override
    public void onTrainStart(TrainerView trainer, LightningModule module) {
        Block block = module.block();
        if (block != null && block.isInitialized()) {
            print(trainer, block);
        }
    }

    @Override
    public void onTrainBatchEnd(TrainerView trainer, LightningModule module, NDArray loss, Batch batch,
                                int batchIdx) {
        if (!printed) {
            print(trainer, module.block());
        }
    }

    private void print(TrainerView trainer, Block block) {
        printed = true;
        if (block == null || trainer.globalRank() != 0) {
            return;
        }
        String summary = render(block);
        out.println(summary);
        out.flush();
        trainer.loggers().forEach(l -> l.logModelSummary(summary));
    }

    /** The summary table of {@code block}, without a trailing newline. */
    public static String render(Block block) {
        Objects.requireNonNull(block, "block");
        List<Pair<String, Block>> rows = new ArrayList<>();
        for (Pair<String, Block> child : block.getChildren()) {
            rows.add(child);
        }
        if (rows.isEmpty()) {
            rows.add(new Pair<>("block", block));
        }
        List<String> headers = new ArrayList<>(List.of(" ", "Name", "Type", "Params"));
        List<List<String>> columns = new ArrayList<>();
        for (int c = 0; c < headers.size(); c++) {
            columns.add(new ArrayList<>());
        }
        for (int i = 0; i < rows.size(); i++) {
            Block b = rows.get(i).getValue();
            columns.get(0).add(Integer.toString(i));
            columns.get(1).add(rows.get(i).getKey());
            columns.get(2).add(LayerType.of(b));
            columns.get(3).add(humanReadableCount(count(b)[0]));
        }
        LayerSizes.ofRows(block).ifPresent(sizes -> {
            headers.addAll(List.of("In sizes", "Out sizes"));
            columns.add(sizes.stream().map(LayerSizes::in).toList());
            columns.add(sizes.stream().map(LayerSizes::out).toList());
        });
        StringBuilder s = new StringBuilder();
        appendTable(s, headers, columns);
        long[] totals = count(block);
        long total = totals[0];
        long trainable = totals[1];
        s.append('\n').append(pad(humanReadableCount(trainable), 10)).append("Trainable params");
        s.append('\n').append(pad(humanReadableCount(total - trainable), 10)).append("Non-trainable params");
        s.append('\n').append(pad(humanReadableCount(total), 10)).append("Total params");
        double megabytes = total * (32 / 8.0 * 1e-6);
        s.append('\n').append(pad(String.format(Locale.ROOT, "%,.3f", exact(megabytes, 3)), 10))
                .append("Total estimated model params size (MB)");
        return s.toString();
    }

    /** Lightning's layout: every cell padded to its column's width, a divider 3 wider per column than the cells. */
    private static void appendTable(StringBuilder s, List<String> headers, List<List<String>> columns) {
        int[] widths = new int[columns.size()];
        int totalWidth = 3 * (columns.size() + 1);
        for (int c = 0; c < columns.size(); c++) {
            int w = headers.get(c).length();
            for (String cell : columns.get(c)) {
                w = Math.max(w, cell.length());
            }
            widths[c] = w;
            totalWidth += w;
        }
        appendRow(s, headers, widths);
        s.append('\n').append("-".repeat(totalWidth));
        for (int r = 0; r < columns.get(0).size(); r++) {
            List<String> cells = new ArrayList<>(columns.size());
            for (List<String> column : columns) {
                cells.add(column.get(r));
            }
            s.append('\n');
            appendRow(s, cells, widths);
        }
        s.append('\n').append("-".repeat(totalWidth));
    }

    private static void appendRow(StringBuilder s, List<String> cells, int[] widths) {
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                s.append(" | ");
            }
            s.append(pad(cells.get(c), widths[c]));
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** {total, trainable} parameter counts of {@code block} and its descendants; a shared parameter counts once. */
    static long[] count(Block block) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long total = 0;
        long trainable = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            if (parameter == null || !seen.add(parameter)) {
                continue;
            }
            long n = size(parameter);
            total += n;
            if (parameter.requiresGradient()) {
                trainable += n;
            }
        }
        return new long[] {total, trainable};
    }

    private static long size(Parameter parameter) {
        if (parameter.isInitialized()) {
            return parameter.getArray().size();
        }
        Shape shape = parameter.getShape();
        return shape == null || shape.getUnknownValueCount() > 0 ? 0 : shape.size();
    }

    /**
     * Lightning's {@code get_human_readable_count}: {@code 999}, {@code 12.3 K}, {@code 101 K}, {@code 1.2 M}; a
     * value under a thousand keeps a trailing blank where the unit would be.
     */
    public static String humanReadableCount(long number) {
        if (number < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + number);
        }
        int digits = number == 0 ? 1 : (int) Math.floor(Math.log10(number)) + 1;
        int groups = Math.min((digits + 2) / 3, UNITS.length);
        double scaled = number * Math.pow(10, -3.0 * (groups - 1));
        int unit = groups - 1;
        if (unit < 1 || scaled >= 100) {
            return String.format(Locale.ROOT, "%,d %s", (long) scaled, UNITS[unit]);
        }
        return String.format(Locale.ROOT, "%,.1f %s", exact(scaled, 1), UNITS[unit]);
    }

    /** Rounds the exact binary value half-even, as Python's format does (Java's rounds the shortest decimal). */
    private static BigDecimal exact(double value, int decimals) {
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN);
    }
}
