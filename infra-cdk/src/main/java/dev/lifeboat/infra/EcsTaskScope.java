package dev.lifeboat.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.CfnPolicy;
import software.constructs.IConstruct;

/**
 * Least privilege for the state machines that run Lifeboat's ECS tasks (issue 13). CDK's {@code ecs:runTask}
 * integrations grant {@code ecs:StopTask} and {@code ecs:DescribeTasks} on {@code "*"}, because a task's id is unknown
 * before it runs (https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html); both actions take a task ARN,
 * {@code arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID}
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html), so
 * this narrows them to the tasks of the stack's own cluster, whose name Lifeboat fixes.
 */
final class EcsTaskScope implements IAspect {
    private final String cluster;

    /** {@code cluster}: the name of the stack's one cluster. */
    EcsTaskScope(String cluster) {
        this.cluster = cluster;
    }

    /** The tasks of {@code cluster} in {@code stack}'s account and Region. */
    static String tasksOf(Stack stack, String cluster) {
        return "arn:aws:ecs:" + stack.getRegion() + ":" + stack.getAccount() + ":task/" + cluster + "/*";
    }

    @Override
    @SuppressWarnings("unchecked")
    public void visit(IConstruct node) {
        if (!(node instanceof CfnPolicy policy)) {
            return;
        }
        Stack stack = Stack.of(policy);
        Object resolved = stack.resolve(policy.getPolicyDocument());
        if (!(resolved instanceof Map<?, ?> document) || !(document.get("Statement") instanceof List<?> statements)) {
            return;
        }
        boolean changed = false;
        List<Object> out = new ArrayList<>();
        for (Object s : statements) {
            if (s instanceof Map<?, ?> st
                    && "*".equals(st.get("Resource"))
                    && st.get("Action") instanceof List<?> actions
                    && actions.stream().allMatch(a -> "ecs:StopTask".equals(a) || "ecs:DescribeTasks".equals(a))) {
                Map<String, Object> narrowed = new java.util.LinkedHashMap<>((Map<String, Object>) st);
                narrowed.put("Resource", tasksOf(stack, cluster));
                out.add(narrowed);
                changed = true;
            } else {
                out.add(s);
            }
        }
        if (changed) {
            Map<String, Object> doc = new java.util.LinkedHashMap<>((Map<String, Object>) document);
            doc.put("Statement", out);
            policy.addPropertyOverride("PolicyDocument", doc);
        }
    }
}
