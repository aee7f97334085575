package dev.lifeboat.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * lifeboat.yml as the functions read it (LIFEBOAT_CONFIG_YAML, compact JSON): the one channel of
 * configuration into every Lifeboat function. Lambda allows 4 KB of environment in all.
 */
final class ConfigDocuments {
    /** What the document may take of the 4 KB, leaving room for the other variables. */
    static final int MAX_CHARACTERS = 3500;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigDocuments() {}

    /**
     * What every function of the backup account reads: the document without the organization block, which only
     * the CDK app uses; refused past the size the functions' environment holds.
     */
    static String forFunctions(String document) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(document);
            root.remove("organization");
            return checked(JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole document, refused past the size the functions' environment holds. */
    static String checked(String document) {
        if (document.length() > MAX_CHARACTERS) {
            throw new IllegalArgumentException("lifeboat.yml is " + document.length()
                    + " characters as JSON; the functions' environment holds at most about " + MAX_CHARACTERS
                    + ". Shorten it (fewer databases per backup stack), or split it into several Lifeboat"
                    + " deployments");
        }
        return document;
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
            return checked(JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
