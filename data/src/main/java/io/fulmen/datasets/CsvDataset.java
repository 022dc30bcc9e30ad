package io.fulmen.datasets;

import io.fulmen.data.TensorDataset;
import org.apiguardian.api.API;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Loads a numeric CSV file with a header row into a {@link TensorDataset}: one float32 feature vector per row, and
 * a label chosen by column name.
 *
 * <pre>{@code
 * TensorDataset iris = CsvDataset.of(Path.of("iris.csv")).classLabel("species").load();
 * TensorDataset houses = CsvDataset.of(Path.of("houses.csv")).regressionTargets("price")
 *         .features("rooms", "area").load();
 * }</pre>
 *
 * <ul>
 *   <li>{@link Builder#classLabel(String)}: an int64 class index per row (the column holds whole numbers
 *       {@code >= 0}), the layout classification losses take;</li>
 *   <li>{@link Builder#regressionTargets(String...)}: float32 targets of shape (k) per row for k columns, so one
 *       target batches as (n, 1), the shape a {@code Linear(…, 1)} head returns;</li>
 *   <li>neither: a dataset without labels, every column a feature (for prediction).</li>
 * </ul>
 * Features are all the other columns in file order, or the columns given to {@link Builder#features(String...)}
 * in the order given. Numbers are read as {@link Float#parseFloat} reads them ({@code NaN} included); an empty
 * field is an error, not a missing value.
 *
 * <p>Fields may be quoted as RFC 4180 says (a quoted field may hold delimiters, line breaks and {@code ""} for a
 * quote); blank lines are skipped; the file is read as UTF-8 (a byte order mark is ignored). The whole file is
 * loaded into memory. Every problem is a {@link DatasetFormatException} naming the file, the line and the column:
 * {@code iris.csv:17: column "petal_width": "abc" is not a number}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class CsvDataset {
    private CsvDataset() {}

    /** Starts reading {@code file}; the default delimiter is a comma and the dataset has no labels. */
    public static Builder of(Path file) {
        return new Builder(Objects.requireNonNull(file, "file"));
    }

    /** Which columns of the file to load, and how. */
    public static final class Builder {
        private final Path file;
        private char delimiter = ',';
        private String classLabel;
        private List<String> regressionTargets = List.of();
        private List<String> features;

        private Builder(Path file) {
            this.file = file;
        }

        /** The field separator, {@code ','} by default; {@code ';'} or {@code '\t'} for other dialects. */
        public Builder delimiter(char value) {
            if (value == '"' || value == '\n' || value == '\r') {
                throw new IllegalArgumentException("a CSV delimiter cannot be a quote or a line break");
            }
            this.delimiter = value;
            return this;
        }

        /** The column holding each row's class index, loaded as int64; it is not a feature. */
        public Builder classLabel(String column) {
            if (!regressionTargets.isEmpty()) {
                throw new IllegalStateException("choose a class label or regression targets, not both");
            }
            this.classLabel = Objects.requireNonNull(column, "column");
            return this;
        }

        /** The columns holding each row's regression targets, loaded as float32 of shape (k); not features. */
        public Builder regressionTargets(String... columns) {
            if (classLabel != null) {
                throw new IllegalStateException("choose a class label or regression targets, not both");
            }
            if (columns.length == 0) {
                throw new IllegalArgumentException("name at least one regression target column");
            }
            this.regressionTargets = List.of(columns);
            return this;
        }

        /** The feature columns, in this order; by default every column that is not a label, in file order. */
        public Builder features(String... columns) {
            if (columns.length == 0) {
                throw new IllegalArgumentException("name at least one feature column");
            }
            this.features = List.of(columns);
            return this;
        }

        /**
         * Reads the whole file.
         *
         * @throws DatasetFormatException naming the file, line and column of the first problem
         * @throws UncheckedIOException when the file cannot be read
         */
        public TensorDataset load() {
            String name = file.toString();
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                reader.mark(1);
                if (reader.read() != '\uFEFF') {
                    reader.reset();
                }
                CsvRecords records = new CsvRecords(reader, delimiter, name);
                CsvColumns columns = CsvColumns.of(records.next(), name, classLabel, regressionTargets, features);
                return columns.readRows(records);
            } catch (NoSuchFileException e) {
                throw new UncheckedIOException("CSV file " + name + " does not exist", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CSV file " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
