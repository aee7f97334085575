package dev.lifeboat.protocol.request;

import dev.lifeboat.protocol.Param;
import java.util.List;

/** The normalisation every request record applies in its constructor, so a request built or read is one value. */
final class Fields {
    static final String SEE = "see docs/runbook.md for a payload of each kind, or lifeboat restore --help";

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

    static Integer atLeastOne(Integer n, Param p) {
        if (n != null && n < 1) {
            throw new BadRequest(p + " must be 1 or more, not " + n, "give " + p + " 1 or more");
        }
        return n;
    }
}
