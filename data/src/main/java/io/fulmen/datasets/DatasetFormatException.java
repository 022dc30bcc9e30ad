package io.fulmen.datasets;

import org.apiguardian.api.API;

/**
 * A data file that cannot be read as the dataset asked for; the message names the file, and where it helps the
 * line and column, and says what was expected.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class DatasetFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given message. */
    public DatasetFormatException(String message) {
        super(message);
    }

    /** An exception with the given message and the failure that revealed the problem. */
    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
