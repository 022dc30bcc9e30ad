package io.fulmen.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import io.fulmen.data.TensorDataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class CsvDatasetTest {
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static Record all(TensorDataset dataset) {
        long[] indices = new long[Math.toIntExact(dataset.size())];
        Arrays.setAll(indices, i -> i);
        return dataset.gather(manager, indices);
    }

    private static final String IRIS = "sepal_length,sepal_width,petal_length,petal_width,species\n"
            + "5.1,3.5,1.4,0.2,0\n"
            + "7.0,3.2,4.7,1.4,1\n"
            + "\n"
            + "6.3,3.3,6.0,2.5,2\n";

    @Test
    void classLabelColumnBecomesInt64AndTheOtherColumnsFloat32Features() throws Exception {
        TensorDataset iris = CsvDataset.of(write("iris.csv", IRIS)).classLabel("species").load();
        assertEquals(3, iris.size());
        Record r = all(iris);
        NDArray x = r.getData().singletonOrThrow();
        NDArray y = r.getLabels().singletonOrThrow();
        assertEquals(new Shape(3, 4), x.getShape());
        assertEquals(DataType.FLOAT32, x.getDataType());
        assertEquals(DataType.INT64, y.getDataType());
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f, 7.0f, 3.2f, 4.7f, 1.4f, 6.3f, 3.3f, 6.0f, 2.5f},
                x.toFloatArray());
        assertArrayEquals(new long[] {0, 1, 2}, y.toLongArray());
    }

    @Test
    void labelInTheMiddleAndChosenFeaturesInTheirOrder() throws Exception {
        Path file = write("houses.csv", "rooms,price,area,year\r\n3,250.5,80,1990\r\n5,410,120.5,2005\r\n");
        TensorDataset houses = CsvDataset.of(file).regressionTargets("price").features("area", "rooms").load();
        Record r = all(houses);
        assertArrayEquals(new float[] {80, 3, 120.5f, 5}, r.getData().singletonOrThrow().toFloatArray());
        NDArray y = r.getLabels().singletonOrThrow();
        assertEquals(new Shape(2, 1), y.getShape());
        assertEquals(DataType.FLOAT32, y.getDataType());
        assertArrayEquals(new float[] {250.5f, 410}, y.toFloatArray());

        TensorDataset twoTargets = CsvDataset.of(file).regressionTargets("price", "year").load();
        Record t = all(twoTargets);
        assertArrayEquals(new float[] {3, 80, 5, 120.5f}, t.getData().singletonOrThrow().toFloatArray());
        assertEquals(new Shape(2, 2), t.getLabels().singletonOrThrow().getShape());
        assertArrayEquals(new float[] {250.5f, 1990, 410, 2005}, t.getLabels().singletonOrThrow().toFloatArray());
    }

    @Test
    void withoutALabelEveryColumnIsAFeature() throws Exception {
        TensorDataset unlabelled = CsvDataset.of(write("x.csv", "a;b\n1;2\n3;4\n")).delimiter(';').load();
        Record r = all(unlabelled);
        assertEquals(new Shape(2, 2), r.getData().singletonOrThrow().getShape());
        assertEquals(0, r.getLabels().size());
    }

    @Test
    void quotedFieldsFollowRfc4180() throws Exception {
        String csv = "\uFEFF\"first, name\",\"say \"\"hi\"\"\",label\n"
                + "\"1.5\", 2 ,\"3\"\n"
                + "\"4\",\"5\n\",0\n"
                + "7,8,1\n";
        Path file = write("quoted.csv", csv);
        TensorDataset d = CsvDataset.of(file).classLabel("label").features("say \"hi\"", "first, name").load();
        Record r = all(d);
        assertArrayEquals(new float[] {2, 1.5f, 5, 4, 8, 7}, r.getData().singletonOrThrow().toFloatArray());
        assertArrayEquals(new long[] {3, 0, 1}, r.getLabels().singletonOrThrow().toLongArray());

        // line numbers count the line break inside the quoted field: the last record starts on line 5
        Files.writeString(file, csv.replace("7,8,1", "7,x,1"));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(file).classLabel("label").load());
        assertEquals(file + ":5: column \"say \"hi\"\": \"x\" is not a number", e.getMessage());
    }

    @Test
    void aBadNumberNamesTheFileLineColumnAndValue() throws Exception {
        Path file = write("iris.csv", IRIS.replace("6.3,3.3,6.0,2.5,2", "6.3,3.3,6.0,abc,2"));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(file).classLabel("species").load());
        assertEquals(file + ":5: column \"petal_width\": \"abc\" is not a number", e.getMessage());
        assertTrue(e.getMessage().contains("iris.csv:5: column \"petal_width\""), e.getMessage());

        Path empty = write("empty-field.csv", "a,b\n1,\n");
        DatasetFormatException emptyField = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(empty).load());
        assertEquals(empty + ":2: column \"b\": the field is empty, expected a number", emptyField.getMessage());
    }

    @Test
    void classIndicesMustBeWholeNumbersFromZero() throws Exception {
        Path file = write("iris.csv", IRIS.replace("7.0,3.2,4.7,1.4,1", "7.0,3.2,4.7,1.4,versicolor"));
        DatasetFormatException name = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(file).classLabel("species").load());
        assertEquals(file + ":3: column \"species\": \"versicolor\" is not a class index (a whole number >= 0)",
                name.getMessage());
        for (String bad : new String[] {"1.5", "-1", "NaN"}) {
            Files.writeString(file, "f,c\n1,0\n2," + bad + "\n");
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> CsvDataset.of(file).classLabel("c").load());
            assertTrue(e.getMessage().contains(":3: column \"c\": \"" + bad + "\" is not a class index"),
                    e.getMessage());
        }
        Files.writeString(file, "f,c\n1,2.0\n");
        assertArrayEquals(new long[] {2}, all(CsvDataset.of(file).classLabel("c").load()).getLabels()
                .singletonOrThrow().toLongArray());
    }

    @Test
    void rowsWithTheWrongNumberOfFieldsAreReported() throws Exception {
        Path file = write("short.csv", "a,b,c\n1,2,3\n4,5\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(file).classLabel("c").load());
        assertEquals(file + ":3: 2 fields, expected 3 as in the header", e.getMessage());
    }

    @Test
    void unknownDuplicateAndConflictingColumnsAreReported() throws Exception {
        Path file = write("iris.csv", IRIS);
        DatasetFormatException unknown = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(file).classLabel("class").load());
        assertEquals(file + ":1: no column \"class\" (the label) in the header; its columns are sepal_length,"
                + " sepal_width, petal_length, petal_width, species", unknown.getMessage());
        DatasetFormatException feature = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(file).classLabel("species").features("petal_width", "petal_hight").load());
        assertTrue(feature.getMessage().contains("no column \"petal_hight\" (the feature)"), feature.getMessage());
        DatasetFormatException both = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(file).classLabel("species").features("species").load());
        assertTrue(both.getMessage().contains("\"species\" cannot be both a feature and the label"),
                both.getMessage());

        Path twice = write("twice.csv", "a,b,a\n1,2,3\n");
        DatasetFormatException dup = assertThrows(DatasetFormatException.class, () -> CsvDataset.of(twice).load());
        assertEquals(twice + ":1: the header names column \"a\" twice", dup.getMessage());

        assertThrows(IllegalStateException.class, () -> CsvDataset.of(file).classLabel("a").regressionTargets("b"));
    }

    @Test
    void emptyFilesAndFilesWithoutRowsAreReported() throws Exception {
        Path empty = write("empty.csv", "");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> CsvDataset.of(empty).load());
        assertTrue(e.getMessage().startsWith(empty + ": the file is empty, expected a header row"), e.getMessage());

        Path headerOnly = write("header.csv", "a,b\n\n");
        DatasetFormatException noRows = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(headerOnly).classLabel("b").load());
        assertEquals(headerOnly + ": no data rows after the header", noRows.getMessage());

        Path open = write("open.csv", "a,b\n1,\"2\n3,4\n");
        DatasetFormatException unclosed = assertThrows(DatasetFormatException.class,
                () -> CsvDataset.of(open).load());
        assertEquals(open + ":2: a quoted field is not closed before the end of the file", unclosed.getMessage());

        Path missing = dir.resolve("missing.csv");
        UncheckedIOException notThere = assertThrows(UncheckedIOException.class,
                () -> CsvDataset.of(missing).load());
        assertEquals("CSV file " + missing + " does not exist", notThere.getMessage());
    }
}
