package io.fulmen.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulmen.tensorboard.proto.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

class EventFileWriterTest {
    @TempDir
    Path tmp;

    static Event scalar(String tag, float v, long step) {
        return Event.newBuilder().setWallTime(1700000000.0 + step).setStep(step)
                .setSummary(io.fulmen.tensorboard.proto.Summary.newBuilder().addValue(
                        io.fulmen.tensorboard.proto.Summary.Value.newBuilder().setTag(tag).setSimpleValue(v)))
                .build();
    }

    @Test
    void fileNameAndFirstRecord() throws Exception {
        try (EventFileWriter w = new EventFileWriter(tmp, 10, 120)) {
            String name = w.file().getFileName().toString();
            assertTrue(name.matches("events\\.out\\.tfevents\\.\\d+\\.[A-Za-z0-9._-]+\\.\\d+\\.\\d+"), name);
            assertTrue(name.contains("." + ProcessHandle.current().pid() + "."), name);
            TfEventsReader.Result r = TfEventsReader.read(w.file());
            assertEquals(1, r.events().size());
            Event first = r.events().get(0);
            assertEquals("brain.Event:2", first.getFileVersion());
            double now = System.currentTimeMillis() / 1000.0;
            assertTrue(Math.abs(now - first.getWallTime()) < 60, "wall time in seconds: " + first.getWallTime());
        }
    }

    @Test
    void backPressureBlocksTheProducerAndDropsNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException("the writer writes whole records, never single bytes");
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                if (writes.getAndIncrement() >= 1) { // the first write is the file_version record
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                sink.write(b, off, len);
            }
        };
        EventFileWriter w = new EventFileWriter(null, slow, 2, 120, 1700000000.0);
        int n = 20;
        AtomicInteger added = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                w.add(scalar("x", i, i));
                added.incrementAndGet();
            }
        });
        producer.start();
        // One event held by the blocked writer thread, two in the queue; the fourth add must block.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((added.get() < 3 || producer.getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        assertEquals(3, added.get());
        assertEquals(Thread.State.WAITING, producer.getState());
        release.countDown();
        producer.join(5000);
        assertEquals(n, added.get());
        w.close();
        TfEventsReader.Result r = TfEventsReader.read(sink.toByteArray());
        assertEquals(0, r.truncatedTailBytes());
        assertEquals(n + 1, r.events().size());
        for (int i = 0; i < n; i++) {
            assertEquals(scalar("x", i, i), r.events().get(i + 1));
        }
    }

    @Test
    void crashedWriterReadsCleanlyUpToTheLastFlushedRecord() throws Exception {
        EventFileWriter w = new EventFileWriter(tmp, 100, 120);
        for (int i = 0; i < 10; i++) {
            w.add(scalar("loss", i / 10f, i));
        }
        w.flush();
        // The process dies while writing the next record: only part of it reaches the file.
        byte[] next = TfRecords.frame(scalar("loss", 1f, 10).toByteArray());
        Files.write(w.file(), Arrays.copyOf(next, next.length - 7), StandardOpenOption.APPEND);
        TfEventsReader.Result r = TfEventsReader.read(w.file());
        assertEquals(11, r.events().size());
        assertEquals(next.length - 7, r.truncatedTailBytes());
        for (int i = 0; i < 10; i++) {
            assertEquals(scalar("loss", i / 10f, i), r.events().get(i + 1));
        }
        // A tail shorter than a record header is tolerated too.
        Path other = tmp.resolve("copy.tfevents");
        byte[] flushed = Files.readAllBytes(w.file());
        int cut = flushed.length - (next.length - 7);
        Files.write(other, Arrays.copyOf(flushed, cut + 5));
        r = TfEventsReader.read(other);
        assertEquals(11, r.events().size());
        assertEquals(5, r.truncatedTailBytes());
    }

    @Test
    void flushesPeriodicallyWithoutAnExplicitFlush() throws Exception {
        try (EventFileWriter w = new EventFileWriter(tmp, 100, 0.05)) {
            long size0 = Files.size(w.file());
            w.add(scalar("loss", 0.5f, 1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Files.size(w.file()) == size0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, TfEventsReader.read(w.file()).events().size());
        }
    }

    @Test
    void closeIsIdempotentAndLaterAddsFail() throws Exception {
        EventFileWriter w = new EventFileWriter(tmp, 100, 120);
        w.add(scalar("a", 1f, 1));
        w.close();
        w.close();
        assertTrue(w.isClosed());
        assertThrows(IllegalStateException.class, () -> w.add(scalar("a", 2f, 2)));
        assertThrows(IllegalStateException.class, w::flush);
        assertEquals(2, TfEventsReader.read(w.file()).events().size());
    }
}
