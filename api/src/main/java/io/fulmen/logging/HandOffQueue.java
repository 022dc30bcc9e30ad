package io.fulmen.logging;

import org.apiguardian.api.API;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue between threads that log and the one writer thread, built so that logging costs the caller an append
 * and nothing else: no lock and no wake-up of the writer per item (a wake-up is a system call, and on a 2-core
 * machine it can put the writer on the core the caller trains on). While items keep coming the writer polls every
 * {@link #POLL_NANOS}; after {@link #IDLE_NANOS} without any it sleeps until the next item wakes it. Urgent items
 * (flush and close requests) wake it at once. When {@code capacity} items wait, callers block until the writer takes
 * one (back-pressure, never a dropped item). For loggers that write on a thread of their own.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class HandOffQueue {
    /** How often a busy writer looks for new items. */
    public static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** After this long without items the writer sleeps until one arrives. */
    public static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ConcurrentLinkedQueue<Object> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger blockedProducers = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final int capacity;
    private volatile Thread consumer;
    private volatile boolean consumerSleeping;

    /**
     * A queue that blocks callers while {@code capacity} items wait.
     *
     * @param capacity items queued before {@link #put} blocks
     */
    public HandOffQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Registers the writer thread (the one that calls {@link #poll} and {@link #awaitItems}).
     *
     * @param thread the writer thread
     */
    public void consumer(Thread thread) {
        this.consumer = thread;
    }

    /**
     * Appends {@code item}; blocks while the queue is full.
     *
     * @param item   what the writer will take
     * @param urgent whether to wake the writer at once (a flush or close request) rather than at its next poll
     * @throws InterruptedException when interrupted while the queue is full
     */
    public void put(Object item, boolean urgent) throws InterruptedException {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            waitForRoom();
            queued.incrementAndGet();
        }
        items.add(item);
        if (urgent || consumerSleeping) {
            LockSupport.unpark(consumer);
        }
    }

    private void waitForRoom() throws InterruptedException {
        blockedProducers.incrementAndGet();
        lock.lock();
        try {
            while (queued.get() >= capacity) {
                LockSupport.unpark(consumer);
                notFull.await();
            }
        } finally {
            lock.unlock();
            blockedProducers.decrementAndGet();
        }
    }

    /**
     * The next item, or null when none is queued. Writer thread only.
     *
     * @return the oldest item, or null
     */
    public Object poll() {
        Object item = items.poll();
        if (item != null) {
            queued.decrementAndGet();
            if (blockedProducers.get() > 0) {
                lock.lock();
                try {
                    notFull.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
        return item;
    }

    /**
     * Whether no item is queued.
     *
     * @return true when {@link #poll} would return null
     */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * Sleeps until items may be waiting: at most {@code maxNanos}, at most {@link #POLL_NANOS} while items kept
     * coming in the last {@link #IDLE_NANOS} ({@code lastItemNanos}), else until an item arrives. Writer thread only.
     *
     * @param maxNanos      the longest sleep
     * @param lastItemNanos {@link System#nanoTime()} when the writer last took an item
     */
    public void awaitItems(long maxNanos, long lastItemNanos) {
        Thread.interrupted(); // only close() ends the writer: an interrupt must not make it spin
        if (!items.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastItemNanos < IDLE_NANOS) {
            LockSupport.parkNanos(Math.min(POLL_NANOS, maxNanos));
            return;
        }
        consumerSleeping = true;
        try {
            if (items.isEmpty()) { // re-checked after the flag is up: an item added meanwhile has unparked us
                LockSupport.parkNanos(maxNanos);
            }
        } finally {
            consumerSleeping = false;
        }
    }
}
