package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.scheduler.CfnSchedule;

/**
 * A source account's dump schedules: the role they run as, and one schedule per source instance and dump expression,
 * invoking the dump function or, where a database's dumps may run on Fargate, starting the FargateDumps state machine.
 * Made in the source stack's own scope, so they keep their logical ids.
 *
 * @param role what every schedule invokes its target as: its targets grant it their invoke
 */
record DumpSchedules(Stack stack, Role role) {
    /** The role, with {@code fn}'s invoke granted. */
    static DumpSchedules create(Stack stack, IFunction fn) {
        Role schedulerRole = Role.Builder.create(stack, "DumpSchedulerRole")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com"))
                .build();
        fn.grantInvoke(schedulerRole);
        return new DumpSchedules(stack, schedulerRole);
    }

    /**
     * One schedule per source instance and dump expression: its databases dump one after another in one invocation,
     * so an instance serves one dump at a time (issue 16), while dumpConcurrency caps the account.
     */
    void add(List<LifeboatConfig.Database> dumped, IFunction fn, FargateDumps onFargate) {
        Map<String, List<LifeboatConfig.Database>> perInstance = new java.util.TreeMap<>();
        for (LifeboatConfig.Database d : dumped) {
            if (d.schedules().dump() != null) {
                perInstance
                        .computeIfAbsent(
                                d.source().identifier() + "|" + d.schedules().dump() + "|"
                                        + d.schedules().window(),
                                k -> new ArrayList<>())
                        .add(d);
            }
        }
        for (List<LifeboatConfig.Database> together : perInstance.values()) {
            LifeboatConfig.Database d = together.getFirst();
            // schedules.window spreads a fleet's dumps too: at the database's own minute in it (as the fan-out's
            // runs) where the expression has a fixed minute and hour; else by EventBridge Scheduler's flexible
            // window, whose <aws.scheduler.scheduled-time> stays the scheduled time, so the run id holds.
            java.util.Optional<String> itsMinute = dev.lifeboat.protocol.ScheduleSpread.shifted(
                    d.schedules().dump(),
                    dev.lifeboat.protocol.ScheduleSpread.offset(
                            d.id(), d.schedules().window()));
            boolean routed = onFargate != null
                    && together.stream().anyMatch(x -> x.dump().mayRunOnFargate());
            String input = routed
                    ? FargateDumps.input(
                            d.id(),
                            together.stream().map(LifeboatConfig.Database::id).toList())
                    : dev.lifeboat.protocol.request.Requests.json(dev.lifeboat.protocol.request.DumpRun.of(
                            together.stream().map(LifeboatConfig.Database::id).toList(),
                            "<aws.scheduler.scheduled-time>"));
            CfnSchedule.Builder.create(stack, "DumpSchedule-" + d.id())
                    .name("lifeboat-" + d.id() + "-dump")
                    .description(
                            together.size() == 1
                                    ? "Lifeboat: dumps " + d.id()
                                    : "Lifeboat: dumps the databases of instance "
                                            + d.source().identifier() + " one after another")
                    .scheduleExpression(itsMinute.orElse(d.schedules().dump()))
                    .flexibleTimeWindow(
                            d.schedules().window().isZero() || itsMinute.isPresent()
                                    ? CfnSchedule.FlexibleTimeWindowProperty.builder()
                                            .mode("OFF")
                                            .build()
                                    : CfnSchedule.FlexibleTimeWindowProperty.builder()
                                            .mode("FLEXIBLE")
                                            .maximumWindowInMinutes(Math.min(
                                                    1440, d.schedules().window().toMinutes()))
                                            .build())
                    .target(CfnSchedule.TargetProperty.builder()
                            .arn(routed ? onFargate.stateMachine.getStateMachineArn() : fn.getFunctionArn())
                            .roleArn(role.getRoleArn())
                            .input(input)
                            .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                    .maximumRetryAttempts(3)
                                    .build())
                            .build())
                    .build();
        }
    }
}
