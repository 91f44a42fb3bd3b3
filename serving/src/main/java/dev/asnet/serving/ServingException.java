package dev.asnet.serving;

/**
 * A request the server answers with an error: the HTTP status and a message for the client, sent
 * as v2 JSON {@code {"error": "..."}}.
 */
public class ServingException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status (400, 404, 413, 503, ...)
     * @param message what is wrong, for the client
     */
    public ServingException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * A 400 Bad Request.
     *
     * @param message what is wrong with the request
     * @return the exception
     */
    public static ServingException badRequest(String message) {
        return new ServingException(400, message);
    }

    /**
     * The HTTP status the server answers with.
     *
     * @return the status
     */
    public int status() {
        return status;
    }
}
