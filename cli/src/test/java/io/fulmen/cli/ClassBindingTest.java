package io.fulmen.cli;

import io.fulmen.HyperParameter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassBindingTest {
    /** Hyperparameters as annotated constructor parameters. */
    public static final class Annotated {
        final int hidden;
        final float learningRate;

        public Annotated(@HyperParameter("hidden") int hidden, @HyperParameter("learningRate") float learningRate) {
            this.hidden = hidden;
            this.learningRate = learningRate;
        }
    }

    /** Hyperparameters as one record. */
    public static final class WithRecord {
        /** The record. */
        public record Config(Path dataDir, int batchSize) {
            public Config {
                if (batchSize <= 0) {
                    throw new IllegalArgumentException("batchSize must be positive");
                }
            }
        }

        final Config config;

        public WithRecord(Config config) {
            this.config = config;
        }
    }

    /** Options through a builder, all optional. */
    public static final class Built {
        final int batchSize;

        private Built(Builder b) {
            this.batchSize = b.batchSize;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** The builder. */
        public static final class Builder {
            private int batchSize = 64;

            public Builder batchSize(int value) {
                this.batchSize = value;
                return this;
            }

            public Built build() {
                return new Built(this);
            }
        }
    }

    @Test
    void annotatedParametersBindBySnakeCaseNameAndConvertNumbers() {
        ClassBinding b = ClassBinding.of(Annotated.class, "model");
        Map<String, Object> args = b.resolve(Map.of("hidden", 16, "learning_rate", "1e-3"));
        Annotated a = (Annotated) b.create(args);
        assertEquals(16, a.hidden);
        assertEquals(1e-3f, a.learningRate);
    }

    @Test
    void aRecordParameterBindsItsComponentsAndItsChecksAreUsageErrors() {
        ClassBinding b = ClassBinding.of(WithRecord.class, "data");
        WithRecord w = (WithRecord) b.create(b.resolve(Map.of("data_dir", "/tmp/x", "batchSize", 8)));
        assertEquals(new WithRecord.Config(Path.of("/tmp/x"), 8), w.config);
        UsageException e = assertThrows(UsageException.class,
                () -> b.create(b.resolve(Map.of("data_dir", "/tmp/x", "batch_size", 0))));
        assertTrue(e.getMessage().contains("batchSize must be positive"), e.getMessage());
    }

    @Test
    void aBuilderBindsOnlyWhatIsGiven() {
        ClassBinding b = ClassBinding.of(Built.class, "data");
        assertEquals(64, ((Built) b.create(b.resolve(Map.of()))).batchSize);
        assertEquals(8, ((Built) b.create(b.resolve(Map.of("batch_size", 8)))).batchSize);
    }

    @Test
    void unknownMissingAndMistypedArgumentsNameTheKeyAndWhatExists() {
        ClassBinding b = ClassBinding.of(WithRecord.class, "data");
        Map<String, Object> typo = new LinkedHashMap<>(Map.of("data_dir", "/tmp", "batch_sise", 8));
        String unknown = assertThrows(UsageException.class, () -> b.resolve(typo)).getMessage();
        assertTrue(unknown.contains("unknown key data.init_args.batch_sise") && unknown.contains("batch_size (int)")
                && unknown.contains("Did you mean 'data.init_args.batch_size'?"), unknown);
        String missing = assertThrows(UsageException.class, () -> b.resolve(Map.of("data_dir", "/tmp")))
                .getMessage();
        assertTrue(missing.startsWith("missing data.init_args.batch_size"), missing);
        String wrong = assertThrows(UsageException.class,
                () -> b.resolve(Map.of("data_dir", "/tmp", "batch_size", "big"))).getMessage();
        assertEquals("data.init_args.batch_size: expected int, got 'big' (string)", wrong);
    }
}
