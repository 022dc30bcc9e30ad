package io.fulmen.tensorboard;

import java.nio.file.Path;

/**
 * Child process for {@link KilledWriterTest}: writes scalar events without end through the background writer,
 * flushing every 200 events and printing {@code FLUSHED <count>} after each flush, until it is killed.
 */
public final class KilledWriterChild {
    private KilledWriterChild() {}

    public static void main(String[] args) {
        EventFileWriter writer = new EventFileWriter(Path.of(args[0]), 64, 0.05);
        System.out.println("FILE " + writer.file());
        System.out.flush();
        for (long step = 0; ; step++) {
            writer.add(EventFileWriterTest.scalar("loss", step / 1000f, step));
            if ((step + 1) % 200 == 0) {
                writer.flush();
                System.out.println("FLUSHED " + (step + 1));
                System.out.flush();
            }
        }
    }
}
