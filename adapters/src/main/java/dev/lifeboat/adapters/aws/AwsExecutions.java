package dev.lifeboat.adapters.aws;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.AwsCallFailedException;
import dev.lifeboat.core.port.Executions;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/**
 * {@link Executions} on Step Functions: StartExecution of the backup account's state machines, by their fixed names. An execution name is unique per state machine for 90 days
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html): the same name and input
 * while it runs returns that execution, a closed one or another input answers ExecutionAlreadyExists. So a name is
 * looked up first (DescribeExecution), and either answer to a start that raced another is "already started".
 */
public final class AwsExecutions implements Executions {
    private final SfnClient sfn;
    private final String arnPrefix;
    private final java.util.Map<Machine, String> names;

    /** {@code names}: each machine's state machine name in {@code account} and {@code region}. */
    public AwsExecutions(SfnClient sfn, String account, String region, java.util.Map<Machine, String> names) {
        this.sfn = sfn;
        this.arnPrefix = "arn:aws:states:" + region + ":" + account + ":stateMachine:";
        this.names = java.util.Map.copyOf(names);
    }

    /** The state machines named {@code names} in {@code config}'s backup account and Region. */
    public static AwsExecutions forConfig(LifeboatConfig config, AwsClients aws, java.util.Map<Machine, String> names) {
        return new AwsExecutions(
                aws.sfn(config.backup().region()),
                config.backup().account(),
                config.backup().region(),
                names);
    }

    String arn(Machine machine) {
        return arnPrefix + names.get(machine);
    }

    /** {@code arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME}. */
    String executionArn(Machine machine, String name) {
        return arnPrefix.replace(":stateMachine:", ":execution:") + names.get(machine) + ":" + name;
    }

    @Override
    public Outcome start(Machine machine, String name, String inputJson) {
        String arn = arn(machine);
        try {
            // Started before (by an earlier firing): leave it. Between this look and the start below, a concurrent
            // firing may start it; StartExecution's own uniqueness then keeps it one execution.
            try {
                sfn.describeExecution(b -> b.executionArn(executionArn(machine, name)));
                return Outcome.ALREADY_STARTED;
            } catch (ExecutionDoesNotExistException e) {
                // not yet: start it
            }
            sfn.startExecution(b -> b.stateMachineArn(arn).name(name).input(inputJson));
            return Outcome.STARTED;
        } catch (ExecutionAlreadyExistsException e) {
            return Outcome.ALREADY_STARTED;
        } catch (AwsServiceException e) {
            throw new AwsCallFailedException(
                    "states:StartExecution of " + arn + " (" + name + ") was refused: "
                            + e.awsErrorDetails().errorMessage(),
                    e.awsErrorDetails().errorCode(),
                    "check that the stack is deployed and the snapshot step's role may start it",
                    e);
        } catch (SdkException e) {
            throw new AwsCallFailedException(
                    "states:StartExecution of " + arn + " got no answer: " + e.getMessage(),
                    null,
                    "check the function's network path to Step Functions",
                    e);
        }
    }
}
