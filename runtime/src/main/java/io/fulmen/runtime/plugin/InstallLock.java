package io.fulmen.runtime.plugin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive use of one install folder, against the other threads of this JVM and against other processes, so
 * that any number of Trainers can discover one plugins folder at once: installs and checks of installed bundles
 * take turns, and loading happens after, from folders that no longer change.
 */
final class InstallLock implements AutoCloseable {
    /*
     * Process-wide on purpose: a FileLock excludes other processes only (the JVM holds file locks per process and
     * throws OverlappingFileLockException at a second thread), so the threads of one JVM need a lock they share.
     * Keyed by the install folder's real path, so two spellings of one folder share it. It holds one small lock
     * per install folder used in this JVM and no bundle state, so it cannot make two Trainers see each other.
     */
    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final String LOCK_FILE = ".lock";

    private final Path folder;
    private final ReentrantLock threads;
    private final FileChannel channel;
    private final FileLock processes;

    private InstallLock(Path folder, ReentrantLock threads, FileChannel channel, FileLock processes) {
        this.folder = folder;
        this.threads = threads;
        this.channel = channel;
        this.processes = processes;
    }

    /** Creates {@code folder} (owner-writable) when missing, then waits for exclusive use of it. */
    static InstallLock acquire(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            FilePermissions.restrict(folder, true);
        }
        ReentrantLock threads = LOCKS.computeIfAbsent(folder.toRealPath(), k -> new ReentrantLock());
        threads.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(folder.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new InstallLock(folder, threads, channel, channel.lock());
        } catch (IOException | RuntimeException | Error e) {
            if (channel != null) {
                channel.close();
            }
            threads.unlock();
            throw e;
        }
    }

    /** The folder this lock holds. */
    Path folder() {
        return folder;
    }

    @Override
    public void close() throws IOException {
        try {
            processes.release();
            channel.close();
        } finally {
            threads.unlock();
        }
    }
}
