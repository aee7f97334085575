package dev.lifeboat.protocol;

/**
 * The fields and values the Step Functions state machines read from the step functions' output, as the
 * CDK app's Choice states test them and the handlers write them: one spelling on both sides.
 */
public final class StepProtocol {
    /** The snapshot pipeline's step: {@code $.status}. */
    public static final String STATUS = "status";

    public static final String STATUS_IN_PROGRESS = "IN_PROGRESS";
    public static final String STATUS_DONE = "DONE";
    public static final String STATUS_FAILED = "FAILED";

    /** Both state machines wait {@code $.waitSeconds} between steps. */
    public static final String WAIT_SECONDS = "waitSeconds";

    /**
     * The verification run's step: {@code $.action} names the next step, {@code $.success} the outcome once
     * the action is {@link #DONE}. The order of the steps is the step function's own (one table, in core);
     * the state machine reads only {@link #DONE}, {@link #SUCCESS} and {@link #WAIT_SECONDS}.
     */
    public static final String ACTION = "action";

    public static final String SUCCESS = "success";

    /** The verification run's steps, in order; {@link #DONE} ends it, {@link #SWEEP} is the sweeper's. */
    public static final String START = "start";

    public static final String POLL = "poll";
    public static final String CHECK = "check";
    public static final String CLEANUP = "cleanup";
    public static final String FINISH = "finish";
    public static final String DONE = "done";
    public static final String SWEEP = "sweep";

    /**
     * A verification run's next step goes to the ECS Fargate task when {@code $.runOn} is {@link #FARGATE} (issue 13: a
     * dump restore too large for Lambda's 15 minutes); the task reports the step's result with the state machine's task
     * token. A task that fails or stops comes back to the step function with {@code $.taskFailure} set (the Catch's
     * error and cause), so the run still cleans up.
     */
    public static final String RUN_ON = "runOn";

    public static final String FARGATE = "FARGATE";
    public static final String TASK_FAILURE = "taskFailure";

    /** The retention run of the snapshot step function. */
    public static final String PRUNE = "prune";

    /**
     * The fleet's fan-out (issue 16), also of the snapshot step function: {@code {"action": "fanout", "job":
     * "snapshot"|"verify", "schedule": EXPRESSION, "runId": SCHEDULED_TIME}} starts the run of every database whose
     * job runs on that expression.
     */
    public static final String FANOUT = "fanout";

    /** When a started run begins: its state machine waits until then (the database's minute in its window). */
    public static final String START_AT = "startAt";

    private StepProtocol() {}

    /** The JSONPath a Choice state tests for {@code field}. */
    public static String path(String field) {
        return "$." + field;
    }
}
