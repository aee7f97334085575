package dev.lifeboat.core.error;

/** Bad input: a field, an argument or a configuration value that cannot be used. Nothing was changed. */
public final class InvalidInputException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.BAD_INPUT;
    }

    /** Bad input whose message says all: a front end adds where to read how to use it. */
    public InvalidInputException(String message) {
        super(message, "", null);
    }

    public InvalidInputException(String message, String hint) {
        super(message, hint, null);
    }

    public InvalidInputException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }

    /** A request that could not be read or built (protocol's {@code BadRequest}), as this model's bad input. */
    public static InvalidInputException of(dev.lifeboat.protocol.request.BadRequest bad) {
        return new InvalidInputException(bad.getMessage(), bad.hint(), bad);
    }
}
