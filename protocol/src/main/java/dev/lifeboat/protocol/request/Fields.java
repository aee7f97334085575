package dev.lifeboat.protocol.request;

import dev.lifeboat.protocol.Param;
import java.util.List;

/** The normalisation every request record applies in its constructor, so a request built or read is one value. */
final class Fields {
    /** No hint of its own: each front end says where to read more (the payload reader docs/runbook.md). */
    static final String SEE = "";

    private Fields() {}

    /** A name, or null when absent or blank. */
    static String name(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A name that must be there. */
    static String required(String s, Param p) {
        if (s == null) {
            throw new BadRequest(p + " is missing", SEE);
        }
        if (s.isBlank()) {
            throw new BadRequest(p + " is empty", SEE);
        }
        return s;
    }

    static String backup(String s) {
        return s == null || s.isBlank() ? RestoreRequest.LATEST : s;
    }

    /** A list of names: never null, no blank entries. */
    static List<String> names(List<String> list, Param p) {
        if (list == null) {
            return List.of();
        }
        for (String s : list) {
            if (s == null || s.isBlank()) {
                throw new BadRequest(p + " holds an empty entry", SEE);
            }
        }
        return List.copyOf(list);
    }

    /** Subnets are for the network a restore creates. */
    static void subnetsNeedCreateNetwork(List<String> subnets, boolean createNetwork) {
        if (!subnets.isEmpty() && !createNetwork) {
            throw new BadRequest(
                    Param.SUBNET + " belongs to " + Param.CREATE_NETWORK,
                    "with " + Param.CREATE_NETWORK + " the restore makes a DB subnet group in the subnets given;"
                            + " without it, name an existing one with " + Param.SUBNET_GROUP);
        }
    }

    /** A URL with the password of its user part, if any, replaced by {@code ***}. */
    static String withoutPassword(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int at = url.indexOf('@', scheme + 3);
        int colon = url.indexOf(':', scheme + 3);
        if (scheme < 0 || at < 0 || colon < 0 || colon > at) {
            return url;
        }
        return url.substring(0, colon + 1) + "***" + url.substring(at);
    }

    static Integer atLeastOne(Integer n, Param p) {
        if (n != null && n < 1) {
            throw new BadRequest(p + " must be 1 or more, not " + n, "give " + p + " 1 or more");
        }
        return n;
    }
}
