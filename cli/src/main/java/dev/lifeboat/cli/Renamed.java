package dev.lifeboat.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Options and commands that were renamed: refused, with the new name, before anything runs. */
final class Renamed {
    private Renamed() {}

    /** Throws the refusal of {@code old}, naming {@code now}. */
    static ParameterException option(CommandSpec spec, String old, String now) {
        return new ParameterException(spec.commandLine(), old + " was renamed: use " + now);
    }
}
