package dev.lifeboat.core.port;

/**
 * The backup account's state machines (the snapshot pipeline, the verification run), started by name: Step
 * Functions keeps an execution's name unique for 90 days, so starting the same run twice starts it once.
 */
public interface Executions {
    enum Machine {
        SNAPSHOT_PIPELINE,
        VERIFICATION
    }

    enum Outcome {
        STARTED,
        ALREADY_STARTED
    }

    /** Starts an execution of {@code machine} named {@code name} with {@code inputJson}. */
    Outcome start(Machine machine, String name, String inputJson);
}
