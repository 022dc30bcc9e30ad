package io.fulmen.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;
import io.fulmen.LightningModule;
import io.fulmen.TrainerView;
import io.fulmen.callback.Callback;
import io.fulmen.runtime.loop.TrainingCancelledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a Trainer or a module from another thread while fit runs cancels the fit cleanly and waits for it:
 * no step runs on freed memory (the JVM would crash), and every metric logged until then reaches the logger.
 */
class CloseWhileRunningTest {
    @TempDir
    Path root;

    /** Opens the latch after {@code afterSteps} steps, then slows every batch so the close lands mid-fit. */
    static final class Pace implements Callback {
        final CountDownLatch started = new CountDownLatch(1);
        final int afterSteps;
        volatile long lastStep;
        /** Set by the fit itself before it lets go of the Trainer (the caller's own code runs later). */
        volatile boolean fitFailed;

        Pace(int afterSteps) {
            this.afterSteps = afterSteps;
        }

        @Override
        public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
            lastStep = t.globalStep();
            if (t.globalStep() >= afterSteps) {
                started.countDown();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onException(TrainerView t, LightningModule m, Throwable error) {
            fitFailed = true;
        }
    }

    private TrainerBuilder trainer(Pace pace) {
        return Trainer.builder().defaultRootDir(root).maxEpochs(1000).seed(5).logEveryNSteps(1)
                .enableProgressBar(false).enableModelSummary(false).enableCheckpointing(false).logger("csv")
                .option("csv.flush_logs_every_n_steps", "1000").callbacks(pace);
    }

    private static Throwable failureOf(CompletableFuture<?> fit) throws InterruptedException {
        try {
            fit.get(60, TimeUnit.SECONDS);
            throw new AssertionError("fit ended normally although it was closed under it");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("fit did not end after close", e);
        }
    }

    private long loggedTrainLossRows() throws Exception {
        Path csv;
        try (Stream<Path> files = Files.walk(root)) {
            csv = files.filter(p -> p.getFileName().toString().equals("metrics.csv")).findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(csv);
        int column = List.of(lines.get(0).split(",")).indexOf("train_loss");
        assertTrue(column >= 0, lines.get(0));
        return lines.stream().skip(1).map(l -> l.split(",", -1)).filter(c -> c.length > column && !c[column].isEmpty())
                .count();
    }

    @Test
    void closingTheTrainerFromAnotherThreadCancelsTheFitWaitsForItAndKeepsEveryLoggedMetric() throws Exception {
        Pace pace = new Pace(5);
        var train = Fixtures.loader(Fixtures.blobs(512, 8, 1), 8, true);
        var model = new Fixtures.Classifier();
        Trainer t = trainer(pace).build();
        CompletableFuture<Void> fit = CompletableFuture.runAsync(() -> t.fit(model, train));
        assertTrue(pace.started.await(60, TimeUnit.SECONDS));
        t.close();
        // Only the fit's own end can be awaited: the code after t.fit() in the other thread may still be pending.
        assertTrue(pace.fitFailed, "close() returned before the fit it cancelled had ended");
        assertInstanceOf(TrainingCancelledException.class, failureOf(fit));
        long steps = pace.lastStep;
        assertTrue(steps >= 5, "steps " + steps);
        assertEquals(steps, loggedTrainLossRows(), "every step logged train_loss; none may be lost");
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> t.fit(model, train));
        assertTrue(again.getMessage().startsWith("this Trainer was closed at ")
                && again.getMessage().contains("by thread '"), again.getMessage());
        model.close();
    }

    @Test
    void closingTheModuleFromAnotherThreadCancelsTheFitBeforeItsParametersAreFreed() throws Exception {
        Pace pace = new Pace(3);
        var train = Fixtures.loader(Fixtures.blobs(512, 8, 1), 8, true);
        var model = new Fixtures.Classifier();
        try (Trainer t = trainer(pace).build()) {
            CompletableFuture<Void> fit = CompletableFuture.runAsync(() -> t.fit(model, train));
            assertTrue(pace.started.await(60, TimeUnit.SECONDS));
            model.close(); // before the redesign of lifetimes: SIGSEGV in the next optimizer step
            assertInstanceOf(TrainingCancelledException.class, failureOf(fit));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fit(model, train));
            assertTrue(e.getMessage().startsWith("Classifier was closed at "), e.getMessage());
        }
    }

    @Test
    void closingFromInsideTheRunningCallIsRefusedWithWhatToDoInstead() {
        var train = Fixtures.loader(Fixtures.blobs(64, 8, 1), 8, true);
        Trainer[] self = new Trainer[1];
        Callback closer = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainerView t, LightningModule m, NDArray loss, Batch b, int i) {
                self[0].close();
            }
        };
        try (var model = new Fixtures.Classifier();
             Trainer t = Fixtures.quietTrainer(root).maxEpochs(1).callbacks(closer).build()) {
            self[0] = t;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fit(model, train));
            assertEquals("the Trainer cannot be closed from inside its own fit call: close it after the call "
                    + "returns, or call cancel()/requestStop() to end the call early", e.getMessage());
        }
    }
}
