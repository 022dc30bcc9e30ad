package io.fulmen.mlflow;

import java.time.Duration;

/** A request the tracking server did not accept, or could not be reached for. */
final class MlflowRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;
    private final Duration retryAfter;

    MlflowRequestException(int status, String errorCode, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    static MlflowRequestException unreachable(String what, Throwable cause) {
        String reason = cause.getMessage() == null ? "no answer (" + cause.getClass().getSimpleName() + ")"
                : cause.getMessage();
        return new MlflowRequestException(0, null, what + ": " + reason, null, cause);
    }

    /** The HTTP status, 0 when no answer came (connection refused, timeout). */
    int status() {
        return status;
    }

    /** MLflow's {@code error_code}, e.g. {@code RESOURCE_DOES_NOT_EXIST}; null when the body had none. */
    String errorCode() {
        return errorCode;
    }

    /** The server's {@code Retry-After}, or null. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** Worth trying again later: no answer, rate limited, or a server-side error. */
    boolean retryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
