package io.fulmen.datasets;

import ai.djl.ndarray.types.Shape;
import io.fulmen.data.TensorDataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The header's columns: which are features, which the label, and how each field is parsed. */
final class CsvColumns {
    private final String file;
    private final List<String> header;
    private final int[] featureIndices;
    private final int[] labelIndices;
    private final boolean classLabel;

    private CsvColumns(String file, List<String> header, int[] featureIndices, int[] labelIndices,
                       boolean classLabel) {
        this.file = file;
        this.header = header;
        this.featureIndices = featureIndices;
        this.labelIndices = labelIndices;
        this.classLabel = classLabel;
    }

    static CsvColumns of(CsvRecords.Row headerRow, String file, String classLabel, List<String> targets,
                         List<String> features) {
        if (headerRow == null) {
            throw new DatasetFormatException(file + ": the file is empty, expected a header row of column"
                    + " names");
        }
        List<String> header = new ArrayList<>();
        for (String field : headerRow.fields()) {
            String column = field.strip();
            if (column.isEmpty()) {
                throw new DatasetFormatException(file + ":" + headerRow.line() + ": column " + (header.size() + 1)
                        + " of the header has no name");
            }
            if (header.contains(column)) {
                throw new DatasetFormatException(file + ":" + headerRow.line() + ": the header names column \""
                        + column + "\" twice");
            }
            header.add(column);
        }
        List<String> labelNames = classLabel != null ? List.of(classLabel) : targets;
        int[] labels = indicesOf(labelNames, header, file, headerRow.line(), "label");
        List<String> featureNames = features;
        if (featureNames == null) {
            featureNames = new ArrayList<>(header);
            featureNames.removeAll(labelNames);
            if (featureNames.isEmpty()) {
                throw new DatasetFormatException(file + ": every column is a label, no column is left for"
                        + " features");
            }
        }
        for (String f : featureNames) {
            if (labelNames.contains(f)) {
                throw new DatasetFormatException(file + ": column \"" + f + "\" cannot be both a feature and"
                        + " the label");
            }
        }
        int[] featureIdx = indicesOf(featureNames, header, file, headerRow.line(), "feature");
        return new CsvColumns(file, List.copyOf(header), featureIdx, labels, classLabel != null);
    }

    private static int[] indicesOf(List<String> names, List<String> header, String file, int line, String role) {
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            String name = names.get(i);
            out[i] = header.indexOf(name);
            if (out[i] < 0) {
                throw new DatasetFormatException(file + ":" + line + ": no column \"" + name + "\" (the " + role
                        + ") in the header; its columns are " + String.join(", ", header));
            }
            if (names.subList(0, i).contains(name)) {
                throw new DatasetFormatException(file + ": " + role + " column \"" + name + "\" is named twice");
            }
        }
        return out;
    }

    TensorDataset readRows(CsvRecords records) throws IOException {
        Floats features = new Floats();
        Floats targets = new Floats();
        long[] classes = new long[1024];
        int rows = 0;
        for (CsvRecords.Row row; (row = records.next()) != null; rows++) {
            List<String> fields = row.fields();
            if (fields.size() != header.size()) {
                throw new DatasetFormatException(file + ":" + row.line() + ": " + fields.size() + " fields,"
                        + " expected " + header.size() + " as in the header");
            }
            for (int c : featureIndices) {
                features.add(number(row, c));
            }
            if (classLabel) {
                if (rows == classes.length) {
                    classes = Arrays.copyOf(classes, rows * 2);
                }
                classes[rows] = classIndex(row, labelIndices[0]);
            } else {
                for (int c : labelIndices) {
                    targets.add(number(row, c));
                }
            }
        }
        if (rows == 0) {
            throw new DatasetFormatException(file + ": no data rows after the header");
        }
        TensorDataset.Builder b = TensorDataset.builder().data(features.toArray(),
                new Shape(featureIndices.length));
        if (classLabel) {
            b.labels(Arrays.copyOf(classes, rows));
        } else if (labelIndices.length > 0) {
            b.labels(targets.toArray(), new Shape(labelIndices.length));
        }
        return b.build();
    }

    private float number(CsvRecords.Row row, int column) {
        String field = row.fields().get(column).strip();
        if (field.isEmpty()) {
            throw problem(row, column, "the field is empty, expected a number");
        }
        try {
            return Float.parseFloat(field);
        } catch (NumberFormatException e) {
            throw problem(row, column, "\"" + field + "\" is not a number");
        }
    }

    private long classIndex(CsvRecords.Row row, int column) {
        String field = row.fields().get(column).strip();
        double value;
        try {
            value = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value >= 0) || value != Math.rint(value) || value > Integer.MAX_VALUE) {
            throw problem(row, column, "\"" + field + "\" is not a class index (a whole number >= 0)");
        }
        return (long) value;
    }

    private DatasetFormatException problem(CsvRecords.Row row, int column, String what) {
        return new DatasetFormatException(file + ":" + row.line() + ": column \"" + header.get(column) + "\": "
                + what);
    }

    /** A growable float array. */
    private static final class Floats {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
