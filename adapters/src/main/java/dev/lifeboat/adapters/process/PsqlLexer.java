package dev.lifeboat.adapters.process;

/**
 * Where psql's statements begin and end in a stream of SQL, told as psql tells it ({@code psqlscan.l} of PostgreSQL
 * 15): single-quoted strings ({@code ''} doubled), escape strings ({@code E'...'}, with backslash escapes),
 * double-quoted identifiers, dollar-quoted strings ({@code $tag$ ... $tag$}), line comments, nested block comments,
 * parentheses, and the {@code BEGIN ... END} bodies of {@code CREATE FUNCTION/PROCEDURE} (a semicolon inside them
 * does not end the statement). A backslash outside quotes begins one of psql's commands, which runs to the end of its
 * line.
 *
 * <p>Why: {@link OneTransactionScript} may take out only the script's own {@code BEGIN;} and {@code COMMIT;} and must
 * tell where COPY data begins; a line that spells {@code COMMIT;} or {@code COPY ... FROM stdin;} inside a string, a
 * comment or a function body (all of which production writes) is not a statement, and reading it as one would commit
 * the enclosing transaction half-way (issue 38, the hostile review).
 *
 * <p>It is fed bytes outside COPY data only, in any pieces; it holds a few bytes of state, never a statement.
 */
final class PsqlLexer {
    private enum State {
        NORMAL,
        LINE_COMMENT,
        BLOCK_COMMENT,
        QUOTED, // '...'
        ESCAPED, // E'...'
        IDENTIFIER, // "..."
        DOLLAR_TAG, // $tag being read after a $
        DOLLAR_BODY, // inside $tag$ ... $tag$
        META // a psql backslash command, to the end of its line
    }

    private State state = State.NORMAL;
    /** Something of a statement has been read since the last one ended. */
    private boolean inStatement;

    private int parenDepth;
    private int beginDepth;
    /** A '-' or '/' just read in NORMAL: the start of a comment, or an operator. */
    private byte pending;
    /** In a quoted state, the quote just read: its end, unless the next one doubles it. */
    private boolean quoteSeen;
    /** In an escape string, a backslash just read. */
    private boolean backslashSeen;
    /** In a block comment, a '*' or '/' just read. */
    private byte commentPending;

    private int commentDepth;
    /** The word (identifier or keyword) being read in NORMAL, lower case, cut at {@link #WORD_CAP}. */
    private final StringBuilder word = new StringBuilder();

    private boolean inWord;
    private int wordLength;
    /** A number being read in NORMAL (a '$' after it may open a dollar quote, as psql reads "1$$"). */
    private boolean inNumber;
    /** The dollar quote's delimiter, {@code $tag$}, once read. */
    private final StringBuilder tag = new StringBuilder();

    private int delimiterMatched;
    /** The first letters of the statement's first words, as psql keeps them to find CREATE FUNCTION bodies. */
    private final char[] firstLetters = new char[4];

    private int wordCount;

    private static final int WORD_CAP = 16;

    /** At the start of a statement: outside any quote or comment, and nothing of a statement read since the last. */
    boolean atStatementStart() {
        return state == State.NORMAL && pending == 0 && !inStatement;
    }

    /** Outside quotes, comments and psql commands (a statement may be under way). */
    boolean inPlainSql() {
        return state == State.NORMAL;
    }

    void feed(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            feed(b[i]);
        }
    }

    private void feed(byte c) {
        switch (state) {
            case NORMAL -> normal(c);
            case LINE_COMMENT -> {
                if (c == '\n') {
                    state = State.NORMAL;
                }
            }
            case META -> {
                if (c == '\n') {
                    state = State.NORMAL;
                }
            }
            case BLOCK_COMMENT -> blockComment(c);
            case QUOTED, IDENTIFIER -> quoted(c, state == State.QUOTED ? (byte) '\'' : (byte) '"');
            case ESCAPED -> escaped(c);
            case DOLLAR_TAG -> dollarTag(c);
            case DOLLAR_BODY -> dollarBody(c);
        }
    }

    private void normal(byte c) {
        if (pending != 0) {
            byte p = pending;
            pending = 0;
            if (p == '-' && c == '-') {
                endWord();
                state = State.LINE_COMMENT;
                return;
            }
            if (p == '/' && c == '*') {
                endWord();
                state = State.BLOCK_COMMENT;
                commentDepth = 1;
                return;
            }
            inStatement = true; // the '-' or '/' was an operator
        }
        if (isWordStart(c) && !inWord && !inNumber) {
            inWord = true;
            wordLength = 0;
            word.setLength(0);
        }
        if (inWord) {
            if (isWordPart(c)) {
                wordLength++;
                if (word.length() < WORD_CAP) {
                    word.append((char) Character.toLowerCase(c & 0xff));
                }
                inStatement = true;
                return;
            }
            if (c == '\'' && wordLength == 1 && (word.charAt(0) == 'e')) {
                inWord = false; // E'...': an escape string, not a word
                state = State.ESCAPED;
                return;
            }
            endWord();
        }
        if (isDigit(c) || (inNumber && (isWordPart(c) || c == '.') && c != '$')) {
            inNumber = true;
            inStatement = true;
            return;
        }
        inNumber = false;
        switch (c) {
            case '-', '/' -> pending = c;
            case '\'' -> {
                state = State.QUOTED;
                inStatement = true;
            }
            case '"' -> {
                state = State.IDENTIFIER;
                inStatement = true;
            }
            case '$' -> {
                state = State.DOLLAR_TAG;
                tag.setLength(0);
                tag.append('$');
                inStatement = true;
            }
            case '\\' -> state = State.META;
            case '(' -> {
                parenDepth++;
                inStatement = true;
            }
            case ')' -> {
                if (parenDepth > 0) {
                    parenDepth--;
                }
                inStatement = true;
            }
            case ';' -> {
                if (parenDepth == 0 && beginDepth == 0) {
                    inStatement = false;
                    wordCount = 0;
                } else {
                    inStatement = true;
                }
            }
            case ' ', '\t', '\n', '\r', '\f' -> {}
            default -> inStatement = true;
        }
    }

    /** A word ended: psql's heuristic for the BEGIN ... END body of CREATE [OR REPLACE] FUNCTION/PROCEDURE. */
    private void endWord() {
        if (!inWord) {
            return;
        }
        inWord = false;
        String w = wordLength > WORD_CAP ? "" : word.toString();
        if (wordCount == 0) {
            java.util.Arrays.fill(firstLetters, '\0');
        }
        if ((w.equals("create")
                        || w.equals("function")
                        || w.equals("procedure")
                        || w.equals("or")
                        || w.equals("replace"))
                && wordCount < firstLetters.length) {
            firstLetters[wordCount] = w.charAt(0);
        }
        wordCount++;
        boolean routine = firstLetters[0] == 'c'
                && (firstLetters[1] == 'f'
                        || firstLetters[1] == 'p'
                        || (firstLetters[1] == 'o'
                                && firstLetters[2] == 'r'
                                && (firstLetters[3] == 'f' || firstLetters[3] == 'p')));
        if (routine && parenDepth == 0) {
            switch (w) {
                case "begin" -> beginDepth++;
                case "case" -> {
                    if (beginDepth >= 1) {
                        beginDepth++;
                    }
                }
                case "end" -> {
                    if (beginDepth > 0) {
                        beginDepth--;
                    }
                }
                default -> {}
            }
        }
    }

    private void blockComment(byte c) {
        byte p = commentPending;
        commentPending = 0;
        if (p == '*' && c == '/') {
            if (--commentDepth == 0) {
                state = State.NORMAL;
            }
            return;
        }
        if (p == '/' && c == '*') {
            commentDepth++;
            return;
        }
        if (c == '*' || c == '/') {
            commentPending = c;
        }
    }

    private void quoted(byte c, byte quote) {
        if (quoteSeen) {
            quoteSeen = false;
            if (c == quote) {
                return; // doubled: still inside
            }
            state = State.NORMAL;
            normal(c);
            return;
        }
        if (c == quote) {
            quoteSeen = true;
        }
    }

    private void escaped(byte c) {
        if (backslashSeen) {
            backslashSeen = false;
            return;
        }
        if (quoteSeen) {
            quoteSeen = false;
            if (c == '\'') {
                return;
            }
            state = State.NORMAL;
            normal(c);
            return;
        }
        if (c == '\\') {
            backslashSeen = true;
        } else if (c == '\'') {
            quoteSeen = true;
        }
    }

    private void dollarTag(byte c) {
        if (c == '$') {
            tag.append('$');
            state = State.DOLLAR_BODY;
            delimiterMatched = 0;
            return;
        }
        boolean first = tag.length() == 1;
        if (isWordStart(c) || (!first && isDigit(c))) {
            tag.append((char) (c & 0xff));
            return;
        }
        // Not a dollar quote ("$1", a parameter): psql reads on from here.
        state = State.NORMAL;
        inNumber = isDigit(c);
        if (!inNumber) {
            normal(c);
        }
    }

    private void dollarBody(byte c) {
        if ((char) (c & 0xff) == tag.charAt(delimiterMatched)) {
            if (++delimiterMatched == tag.length()) {
                state = State.NORMAL;
            }
        } else {
            delimiterMatched = c == '$' ? 1 : 0;
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** psql's ident_start: a letter, '_', or any byte of a multi-byte character. */
    private static boolean isWordStart(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c & 0x80) != 0;
    }

    /** psql's ident_cont: those, digits and '$'. */
    private static boolean isWordPart(byte c) {
        return isWordStart(c) || isDigit(c) || c == '$';
    }
}
