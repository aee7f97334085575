package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.KnownRegions;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** The Regions lifeboat.yml accepts are the SDK's own list (less the global pseudo-Regions). */
class KnownRegionsMatchTheSdkTest {
    @Test
    void theConfigsRegionList_isTheSdks() {
        assertThat(KnownRegions.IDS)
                .containsExactlyInAnyOrderElementsOf(Region.regions().stream()
                        .filter(r -> !r.isGlobalRegion())
                        .map(Region::id)
                        .collect(Collectors.toSet()));
    }
}
