package dev.lifeboat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    /** The build filled in the version, the commit and its time (this is a git clone, as every build here). */
    @Test
    void theBuildFillsInVersionCommitAndDate() throws IOException, InterruptedException {
        BuildInfo b = BuildInfo.current();
        assertThat(b.version()).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor()).isZero();
        assertThat(b.commit()).isEqualTo(head);
        assertThat(b.date()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(b.describe())
                .startsWith("lifeboat " + b.version() + " (commit " + head)
                .contains("built " + b.date());
    }

    /** Built from sources without git history: the placeholders Maven could not fill read as unknown. */
    @Test
    void unfilledPlaceholders_readAsUnknown() {
        Properties p = new Properties();
        p.setProperty("version", "1.2.3");
        p.setProperty("commit", "${git.commit.id}");
        p.setProperty("dirty", "${git.dirty}");
        BuildInfo b = BuildInfo.of(p);
        assertThat(b).isEqualTo(new BuildInfo("1.2.3", "unknown", false, "unknown"));
        assertThat(b.describe()).isEqualTo("lifeboat 1.2.3 (commit unknown, built unknown)");
    }
}
