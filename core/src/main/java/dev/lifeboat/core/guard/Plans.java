package dev.lifeboat.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.TerraformPlan.Deletion;
import java.util.List;

/**
 * The plans {@code lifeboat guard --plan} reads, told apart by their shape: Terraform's and OpenTofu's ({@code terraform
 * show -json}: {@code format_version}), Pulumi's previews ({@code pulumi preview --json}: {@code steps}, {@code
 * changeSummary}) and CloudFormation's change sets ({@code aws cloudformation describe-change-set}: {@code Changes}).
 * Anything else is refused: a plan the guard cannot read never passes for one that deletes nothing.
 */
public final class Plans {
    private Plans() {}

    /** The deletions (and weakening updates) of the plan file's bytes, whichever tool wrote it. */
    public static List<Deletion> deletions(byte[] bytes, String where) {
        JsonNode root = TerraformPlan.parse(TerraformPlan.text(bytes, where), where);
        if (root == null || !root.isObject()) {
            throw notAPlan(where);
        }
        int shapes = (root.has("format_version") ? 1 : 0)
                + (CloudFormationChangeSet.is(root) ? 1 : 0)
                + (PulumiPreview.is(root) ? 1 : 0);
        if (shapes > 1) {
            throw new InvalidInputException(
                    where + " has the marks of more than one kind of plan (format_version, Changes, steps): it is not"
                            + " read as any of them",
                    "pass the tool's own output unchanged");
        }
        if (root.has("format_version")) {
            if (root.has("values") && !root.has("planned_values") && !root.has("resource_changes")) {
                throw new InvalidInputException(
                        where + " is Terraform's state (terraform show -json without a plan file), not a plan",
                        "pass the plan: terraform plan -out plan.out && terraform show -json plan.out > plan.json");
            }
            return TerraformPlan.deletions(root, where);
        }
        if (CloudFormationChangeSet.is(root)) {
            return CloudFormationChangeSet.deletions(root, where);
        }
        if (PulumiPreview.is(root)) {
            return PulumiPreview.deletions(root, where);
        }
        throw notAPlan(where);
    }

    private static InvalidInputException notAPlan(String where) {
        return new InvalidInputException(
                where + " is not a plan Lifeboat reads (no format_version, steps or Changes)",
                "pass Terraform's or OpenTofu's plan as JSON (terraform show -json plan.out), Pulumi's preview (pulumi"
                        + " preview --json) or a CloudFormation change set (aws cloudformation describe-change-set"
                        + " --include-property-values)");
    }
}
