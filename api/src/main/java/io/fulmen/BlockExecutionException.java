package io.fulmen;

import org.apiguardian.api.API;

/**
 * A network block failed while running: the message says which block, where (stage, epoch, step and batch, or
 * alone outside a Trainer) and on inputs of which shapes, before the engine's own message; the engine's exception
 * is the cause. Thrown instead of the bare engine error (such as DJL's "Expected layout: NCHW, but got: ??").
 */
@API(status = API.Status.MAINTAINED, since = "0.2.0")
public final class BlockExecutionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure of the block described by {@code message}, caused by {@code cause}. */
    public BlockExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
