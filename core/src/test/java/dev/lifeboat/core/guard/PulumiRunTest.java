package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the wrapper turns `pulumi up ...` into a preview in JSON with a saved update plan and an update held to that
 * plan, and `pulumi destroy ...` into its preview and the destroy (issue 43: the guard everywhere).
 */
class PulumiRunTest {
    private static final Path PLAN = Path.of("/tmp/lb/update-plan.json");

    private static PulumiRun parse(String command) {
        return PulumiRun.parse(List.of(command.split(" ")));
    }

    @Test
    void anUpdate_isPreviewedWithItsStackAndConfig_andRunHeldToTheSavedPlan() {
        PulumiRun p = parse("pulumi -C infra up --stack prod -c aws:region=eu-west-1 --target urn:a --yes --diff");

        assertThat(p.destroy()).isFalse();
        assertThat(p.previewCommand(PLAN))
                .containsExactly(
                        "pulumi",
                        "-C",
                        "infra",
                        "preview",
                        "--json",
                        "--stack",
                        "prod",
                        "-c",
                        "aws:region=eu-west-1",
                        "--target",
                        "urn:a",
                        "--save-plan",
                        PLAN.toString());
        assertThat(p.runCommand(PLAN))
                .containsExactly(
                        "pulumi",
                        "-C",
                        "infra",
                        "up",
                        "--stack",
                        "prod",
                        "-c",
                        "aws:region=eu-west-1",
                        "--target",
                        "urn:a",
                        "--yes",
                        "--diff",
                        "--plan",
                        PLAN.toString());
    }

    @Test
    void aDestroy_isPreviewedWithPreviewOnly_andRunAsGiven() {
        PulumiRun p = parse("pulumi down -s=prod --exclude-protected --refresh -y --skip-preview");

        assertThat(p.destroy()).isTrue();
        assertThat(p.previewCommand(PLAN))
                .containsExactly(
                        "pulumi", "destroy", "--preview-only", "--json", "-s=prod", "--exclude-protected", "--refresh");
        assertThat(p.runCommand(PLAN))
                .containsExactly(
                        "pulumi", "destroy", "-s=prod", "--exclude-protected", "--refresh", "-y", "--skip-preview");
    }

    /** cobra's short options: attached values, clusters of booleans, options before the subcommand. */
    @Test
    void shortOptions_attachedOrClustered_andOptionsBeforeTheSubcommand_areRead() {
        PulumiRun p = parse("pulumi -sprod --cwd=infra update -yf -t urn:b -p 4");

        assertThat(p.globals()).containsExactly("--cwd=infra");
        assertThat(p.planning()).containsExactly("-sprod", "-t", "urn:b", "-p", "4");
        assertThat(p.running()).containsExactly("-yf");
        assertThat(p.previewCommand(PLAN)).doesNotContain("-yf").contains("-sprod");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "pulumi up --plan mine.json|--plan",
                "pulumi up --save-plan x.json|--save-plan",
                "pulumi up --strict|--strict",
                "pulumi up --remote|--remote",
                "pulumi up --remote-git-branch main|--remote-git-branch",
                "pulumi up --frobnicate|--frobnicate",
                "pulumi up -Z|-Z",
                "pulumi up https://github.com/acme/infra|https://github.com/acme/infra",
                "pulumi preview|pulumi preview",
                "pulumi up --stack|--stack has no value",
                "pulumi up -s|-s has no value"
            })
    void whatCannotBeHonoured_isRefused_namingIt(String command, String named) {
        assertThatThrownBy(() -> parse(command))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(named);
    }

    @Test
    void wraps_upAndDestroy_butNotAPreviewOnlyDestroyOrOtherSubcommands() {
        assertThat(PulumiRun.wraps(List.of("pulumi", "-C", "infra", "up"))).isTrue();
        assertThat(PulumiRun.wraps(List.of("/usr/local/bin/pulumi", "--stack", "prod", "down")))
                .isTrue();
        assertThat(PulumiRun.wraps(List.of("pulumi", "destroy", "--preview-only")))
                .isFalse();
        assertThat(PulumiRun.wraps(List.of("pulumi", "preview"))).isFalse();
        assertThat(PulumiRun.wraps(List.of("pulumi", "stack", "rm", "--force"))).isFalse();
        assertThat(PulumiRun.wraps(List.of("terraform", "destroy"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-s prod up", "--stack prod up", "-C dir --color never up", "up"})
    void theSubcommand_isFoundPastOptionsAndTheirValues(String args) {
        List<String> words = List.of(args.split(" "));

        assertThat(PulumiRun.subcommandIndex(words)).contains(words.indexOf("up"));
    }
}
