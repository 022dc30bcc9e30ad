package io.fulmen.runtime.loop;

import io.fulmen.Stage;
import org.apiguardian.api.API;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Who may run a Trainer call and when it may be torn down: one call at a time, and closing (the Trainer, or a module
 * a call is using) from another thread cancels the running call and waits until it has ended, so no native memory
 * a step uses is freed under it and everything logged reaches the loggers. Closing from inside the call itself is
 * refused, since waiting there would never end.
 */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class RunGate {
    private final Object lock = new Object();
    private final TrainerState state;
    private Thread runner;
    private Stage stage;
    private String closed;

    public RunGate(TrainerState state) {
        this.state = state;
    }

    /** A call begins on this thread; fails when one is running or the Trainer was closed. */
    public void enter(Stage newStage) {
        synchronized (lock) {
            if (closed != null) {
                throw new IllegalStateException("this Trainer was closed " + closed + "; build a new one");
            }
            if (runner != null) {
                throw new IllegalStateException("this Trainer is already running " + stage.lightningName()
                        + " (in thread '" + runner.getName() + "'); one call at a time per Trainer");
            }
            runner = Thread.currentThread();
            stage = newStage;
        }
    }

    /** The call ended (normally or not). */
    public void exit() {
        synchronized (lock) {
            runner = null;
            stage = null;
            lock.notifyAll();
        }
    }

    /** Refuses new calls, then cancels the running one, if any, and waits for it to end. */
    public void close() {
        synchronized (lock) {
            if (closed == null) {
                closed = describeNow();
            }
        }
        cancelAndAwait("the Trainer");
    }

    /**
     * Cancels the running call, if any, and waits for it to end (at its next batch boundary, with
     * {@link TrainingCancelledException}); {@code what} names what is being closed, for the error when this is
     * the running call's own thread.
     */
    public void cancelAndAwait(String what) {
        synchronized (lock) {
            if (runner == null) {
                return;
            }
            if (runner == Thread.currentThread()) {
                throw new IllegalStateException(what + " cannot be closed from inside its own "
                        + stage.lightningName() + " call: close it after the call returns, or call cancel()/"
                        + "requestStop() to end the call early");
            }
            state.cancel();
            while (runner != null) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the running "
                            + stage.lightningName() + " call to end", e);
                }
            }
        }
    }

    /** "at 12:03:04.512 by thread 'main'": when and where something was closed, for later error messages. */
    public static String describeNow() {
        return "at " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " by thread '"
                + Thread.currentThread().getName() + "'";
    }
}
