package dev.lifeboat.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.core.stream.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * lifeboat.yml as the functions read it: the one channel of configuration into every Lifeboat function. The
 * validated document (compact JSON, YAML's subset) is published with the stack as an S3 asset (content-addressed,
 * uploaded by cdk deploy to the account's bootstrap bucket), and each function gets only its location and SHA-256
 * (issue 16): Lambda's 4 KB of environment once limited a deployment to three databases. The function refuses a
 * document whose hash is not the deployed one (adapters' DeployedConfig).
 */
final class ConfigDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigDocuments() {}

    /** A published document: the asset, its SHA-256, and the environment a function reads it through. */
    record Published(Asset asset, String sha256, String document) {
        Map<String, String> environment() {
            return Map.of(
                    dev.lifeboat.config.DeployedConfig.LOCATION_VARIABLE,
                    "s3://" + asset.getS3BucketName() + "/" + asset.getS3ObjectKey(),
                    dev.lifeboat.config.DeployedConfig.SHA256_VARIABLE,
                    sha256);
        }

        /** The object's ARN, for the policies of the S3 endpoints a function reads it through. */
        String objectArn() {
            return "arn:aws:s3:::" + asset.getS3BucketName() + "/" + asset.getS3ObjectKey();
        }

        /** Lets {@code fn} read it, and sets its location and hash in {@code fn}'s environment. */
        void give(IFunction fn) {
            asset.grantRead(fn);
            if (fn instanceof Function f) {
                environment().forEach(f::addEnvironment);
            }
        }
    }

    /** Publishes {@code document} as the asset {@code id} of {@code scope}'s stack. */
    static Published publish(Construct scope, String id, String document) {
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        try {
            Path dir = Files.createTempDirectory("lifeboat-config");
            // deleteOnExit deletes in the reverse order of registration: the folder first registered goes last,
            // once its file is gone (registered the other way round, every call left an empty folder behind).
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("lifeboat.json");
            Files.write(file, bytes);
            file.toFile().deleteOnExit();
            Asset asset = Asset.Builder.create(scope, id).path(file.toString()).build();
            return new Published(asset, Sha256.hex(bytes), document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What every function of the backup account reads: the document without the organization block. */
    static String forFunctions(String document) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(document);
            root.remove("organization");
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The document with only the databases {@code ids}: what a source account's dump function gets, so it
     * dumps its own databases and learns nothing of other accounts'.
     */
    static String only(String document, Collection<String> ids) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(document);
            ObjectNode databases = (ObjectNode) root.get("databases");
            List<String> others = databases.properties().stream()
                    .map(Map.Entry::getKey)
                    .filter(id -> !ids.contains(id))
                    .toList();
            databases.remove(others);
            root.remove("organization");
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
