package io.fulmen.ddp.collective;

import org.apiguardian.api.API;

/** A collective operation failed: a peer died or hung past the timeout, or the group could not be formed. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class CollectiveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the operation and, where known, the peer rank
     */
    public CollectiveException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the operation and, where known, the peer rank
     * @param cause the underlying failure
     */
    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
