package io.fulmen.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fulmen.spi.CheckpointData;
import io.fulmen.spi.CheckpointIO;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The default checkpoint I/O: Fulmen's own file format ({@code docs/checkpoint-format.md}), written atomically in
 * the calling thread (Lightning's {@code TorchCheckpointIO}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class FulmenCheckpointIO implements CheckpointIO {
    @Override
    public void save(CheckpointData checkpoint, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            CheckpointWriter.write(file, Checkpoint.of(checkpoint));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CheckpointData load(Path file, NDManager manager) {
        try {
            return CheckpointReader.read(file, manager).toData();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads each tensor matching an array of {@code into} in type and shape into that array
     * ({@link CheckpointReader#readReusing}).
     */
    @Override
    public CheckpointData load(Path file, NDManager manager, Map<String, NDArray> into) {
        try {
            return CheckpointReader.readReusing(file, manager, into).toData();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void remove(Path file) {
        try {
            FileTrees.deleteRecursively(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove checkpoint " + file + ": " + e.getMessage(), e);
        }
    }


    @Override
    public String toString() {
        return "FulmenCheckpointIO";
    }
}
