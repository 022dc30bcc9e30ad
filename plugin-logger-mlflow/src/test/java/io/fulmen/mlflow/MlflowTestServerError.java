package io.fulmen.mlflow;

import com.google.gson.JsonObject;

/**
 * The test server's {@code MlflowException}: an MLflow error code, its HTTP status and a message, answered as
 * {@code {"error_code": "...", "message": "..."}} like {@code MlflowException.serialize_as_json()}.
 */
final class MlflowTestServerError extends RuntimeException {

    /** The codes of {@code databricks_pb2.ErrorCode} this server answers, with the status of mlflow/exceptions.py. */
    enum Code {
        INVALID_PARAMETER_VALUE(400),
        BAD_REQUEST(400),
        RESOURCE_ALREADY_EXISTS(400),
        UNAUTHENTICATED(401),
        PERMISSION_DENIED(403),
        RESOURCE_DOES_NOT_EXIST(404),
        ENDPOINT_NOT_FOUND(404),
        RESOURCE_CONFLICT(409),
        REQUEST_LIMIT_EXCEEDED(429),
        INTERNAL_ERROR(500),
        TEMPORARILY_UNAVAILABLE(503);

        final int httpStatus;

        Code(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** The code an injected failure with this HTTP status carries. */
        static Code forStatus(int status) {
            return switch (status) {
                case 401 -> UNAUTHENTICATED;
                case 403 -> PERMISSION_DENIED;
                case 404 -> ENDPOINT_NOT_FOUND;
                case 409 -> RESOURCE_CONFLICT;
                case 429 -> REQUEST_LIMIT_EXCEEDED;
                case 503 -> TEMPORARILY_UNAVAILABLE;
                default -> status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
            };
        }
    }

    final Code code;
    final int httpStatus;

    MlflowTestServerError(Code code, String message) {
        this(code, code.httpStatus, message);
    }

    MlflowTestServerError(Code code, int httpStatus, String message) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    static MlflowTestServerError invalidParameter(String message) {
        return new MlflowTestServerError(Code.INVALID_PARAMETER_VALUE, message);
    }

    static MlflowTestServerError notFound(String message) {
        return new MlflowTestServerError(Code.RESOURCE_DOES_NOT_EXIST, message);
    }

    String toJson() {
        JsonObject body = new JsonObject();
        body.addProperty("error_code", code.name());
        body.addProperty("message", getMessage());
        return MlflowTestServerJson.GSON.toJson(body);
    }
}
