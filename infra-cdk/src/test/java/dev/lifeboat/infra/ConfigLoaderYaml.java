package dev.lifeboat.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class ConfigLoaderYaml {
    private ConfigLoaderYaml() {}

    static String withoutBreakGlass() {
        try {
            return Files.readString(Path.of("../docs/lifeboat.example.yml"))
                    .replaceAll("(?m)^  breakGlassRoleArn:.*$", "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
