package dev.lifeboat.protocol;

/**
 * Words written for a POSIX shell to read back as the same words: the commands Lifeboat tells a person (or an agent) to
 * run, and the commands the guard hands back to a shell. One quoting rule, wherever a command is written.
 */
public final class ShellWords {
    private ShellWords() {}

    /** {@code word} as one word: as it is when a shell reads nothing else in it, otherwise {@link #singleQuoted}. */
    public static String quoted(String word) {
        return !word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : singleQuoted(word);
    }

    /** {@code word} in single quotes, a single quote in it written {@code '\''}: one word, nothing expanded. */
    public static String singleQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
