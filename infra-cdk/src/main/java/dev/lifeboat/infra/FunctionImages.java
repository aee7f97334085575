package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.DumpMemory;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.AssetImageCodeProps;
import software.amazon.awscdk.services.lambda.DockerImageCode;

/**
 * The functions' container images, built for one pinned platform, and the functions' architecture that matches
 * it. Without the pin, `cdk deploy` builds for the deploying machine's architecture, so a deploy from an arm64
 * laptop pushes arm64 images to x86_64 functions, which then fail at every invocation
 * (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda.AssetImageCodeProps.html#platform,
 * https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html). x86_64 because the images' client tools
 * (pg_dump, mariadb-dump) come from the base image's x86_64 packages.
 */
final class FunctionImages {
    static final Platform PLATFORM = Platform.LINUX_AMD64;
    static final Architecture ARCHITECTURE = Architecture.X86_64;

    /**
     * The variable that carries a function's or task's JVM options: the images start the JVM themselves (their
     * Dockerfiles' ENTRYPOINT runs the runtime interface client), so nothing else sets the heap, and the JVM reads
     * these before its command line (https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html).
     */
    static final String JAVA_OPTIONS = "JAVA_TOOL_OPTIONS";

    private FunctionImages() {}

    /** The JVM options of a process that dumps {@code databases}: its heap capped by {@link DumpMemory}. */
    static String dumpJavaOptions(List<LifeboatConfig.Database> databases) {
        return DumpMemory.javaOptions(DumpMemory.heapMib(databases.stream()
                .filter(d -> d.dump() != null)
                .map(d -> d.dump().jobsOr(DumpMemory.DEFAULT_JOBS_CAP))
                .toList()));
    }

    /** The JVM options of a process that restores dumps: one stream's download at a time per part, as bin/lifeboat. */
    static String restoreJavaOptions() {
        return DumpMemory.javaOptions(DumpMemory.heapMib(1, DumpMemory.PART_MIB));
    }

    /** The image of {@code module} (its Dockerfile), with {@code handler} as its command when not null. */
    static DockerImageCode of(Path repositoryRoot, String module, String handler) {
        AssetImageCodeProps.Builder props = AssetImageCodeProps.builder().platform(PLATFORM);
        if (handler != null) {
            props.cmd(List.of(handler));
        }
        return DockerImageCode.fromImageAsset(repositoryRoot.resolve(module).toString(), props.build());
    }
}
