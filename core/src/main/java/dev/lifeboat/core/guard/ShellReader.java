package dev.lifeboat.core.guard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads shell text the way a POSIX shell (and bash, where agents write bash) splits it into commands, without
 * running anything: words with their quoting removed (single, double, backslash, {@code $'...'}), assignments,
 * pipelines, lists ({@code ;} {@code &&} {@code ||} {@code &}), {@code !}, subshells, groups, {@code if}/{@code
 * while}/{@code until}/{@code for}/{@code case}, function definitions, redirections with here-documents and
 * here-strings, comments, and command substitutions ({@code $(...)}, backticks, {@code <(...)}) read recursively.
 *
 * <p>What it yields is every simple command that could run, in the order written, each word knowing whether its
 * text is fixed before the shell runs ({@link Word#known()}): a parameter expansion, a command substitution or an
 * arithmetic expansion is not. Text a shell would refuse (an unterminated quote, an unmatched parenthesis or
 * keyword, a here-document without its end) is {@link Unreadable}: the caller fails closed on it.
 */
public final class ShellReader {
    private ShellReader() {}

    /** Text that a shell would not run as it stands; the message names what is wrong. */
    public static final class Unreadable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    /** One piece of a word. */
    public sealed interface Part permits Lit, Param, Subst, Opaque {
        /** The text as written (for literals: after quote removal). */
        String source();
    }

    /** Literal text, quotes removed. */
    public record Lit(String source) implements Part {}

    /** {@code $NAME} or {@code ${NAME}}. */
    public record Param(String name, String source) implements Part {}

    /** A command substitution ({@code $(...)}, backticks, {@code <(...)}): the commands it runs. */
    public record Subst(Script script, String source) implements Part {}

    /** An expansion whose value cannot be known before the shell runs ({@code $1}, {@code ${X:-y}}, {@code $((..))}). */
    public record Opaque(String source) implements Part {}

    /** A word: its parts, whether an unquoted glob character is in it, whether any quoting was used. */
    public record Word(List<Part> parts, boolean glob, boolean quoted) {
        /** The text as the shell would pass it when every part is literal; expansions as written otherwise. */
        public String text() {
            StringBuilder b = new StringBuilder();
            parts.forEach(p -> b.append(p.source()));
            return b.toString();
        }

        /** True when the text is fixed before anything runs. */
        public boolean known() {
            return parts.stream().allMatch(p -> p instanceof Lit);
        }

        /** The value with {@code $NAME} taken from {@code vars}; empty when a part stays unknown. */
        public Optional<String> value(Map<String, String> vars) {
            StringBuilder b = new StringBuilder();
            for (Part p : parts) {
                if (p instanceof Lit l) {
                    b.append(l.source());
                } else if (p instanceof Param v && vars.containsKey(v.name())) {
                    b.append(vars.get(v.name()));
                } else {
                    return Optional.empty();
                }
            }
            return Optional.of(b.toString());
        }

        /** The command substitutions in this word (they run when the word is expanded). */
        public List<Script> substitutions() {
            List<Script> out = new ArrayList<>();
            for (Part p : parts) {
                if (p instanceof Subst s) {
                    out.add(s.script());
                }
            }
            return out;
        }

        static Word literal(String text) {
            return new Word(List.of(new Lit(text)), false, false);
        }
    }

    /** Where a command's standard input comes from. */
    public enum InputKind {
        /** Whatever the caller's is (a terminal, or an agent's closed stdin). */
        INHERITED,
        /** A here-document or here-string: {@link Input#text}. */
        TEXT,
        /** {@code < FILE}: {@link Input#text} is the file's name. */
        FILE,
        /** The output of the command before it in a pipeline: {@link Input#from}, null when that was compound. */
        PIPE
    }

    /** A command's standard input. */
    public record Input(InputKind kind, Word text, Command from) {
        static final Input INHERITED = new Input(InputKind.INHERITED, null, null);
    }

    /**
     * A simple command: leading assignments, its words (the first is the command), its standard input, and other
     * words the shell expands around it (redirection targets, {@code for} lists, {@code case} words and patterns).
     */
    public record Command(
            List<Word> assignments,
            List<Word> words,
            Input stdin,
            List<Word> other,
            List<Word> writes,
            List<Word> appends) {
        public Command(List<Word> assignments, List<Word> words, Input stdin, List<Word> other) {
            this(assignments, words, stdin, other, List.of(), List.of());
        }
    }

    /** The simple commands of a text, in the order written. */
    public record Script(List<Command> commands) {}

    /** Reads {@code text}; throws {@link Unreadable} on text a shell would not accept. */
    public static Script read(String text) {
        Lexer lexer = new Lexer(text, 0, false);
        List<Token> tokens = lexer.all();
        return new Parser(tokens).parse();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Tokens

    private enum TokenType {
        WORD,
        OP,
        NEWLINE,
        EOF
    }

    private static final class Token {
        final TokenType type;
        final String op;
        final Word word;
        /** For {@code <<} and {@code <<-}: the here-document's body, filled once its lines are read. */
        Word heredoc;

        Token(TokenType type, String op, Word word) {
            this.type = type;
            this.op = op;
            this.word = word;
        }

        boolean isOp(String o) {
            return type == TokenType.OP && op.equals(o);
        }

        boolean isWord(String w) {
            return type == TokenType.WORD
                    && !word.quoted()
                    && word.known()
                    && word.text().equals(w);
        }

        @Override
        public String toString() {
            return type == TokenType.WORD ? word.text() : type == TokenType.OP ? op : type.name();
        }
    }

    private static final List<String> OPERATORS = List.of(
            ";;&", ";;", ";&", "&&", "&>>", "&>", "&", "||", "|&", "|", ";", "(", ")", "<<<", "<<-", "<<", "<>", "<&",
            "<", ">>", ">&", ">|", ">");

    private static final Set<String> REDIRECTIONS =
            Set.of("&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", "<", ">>", ">&", ">|", ">");

    // ---------------------------------------------------------------------------------------------------------
    // The lexer: characters into tokens, with quoting, expansions and here-documents

    private static final class Lexer {
        private final String s;
        private int pos;
        /** Inside {@code $(...)}: stop at the unmatched {@code )}. */
        private final boolean inSubst;

        private int parens;
        private final List<Token> pendingHeredocs = new ArrayList<>();
        private final List<Word> heredocDelimiters = new ArrayList<>();
        private boolean nextIsDelimiter;
        private Token lastHeredocOp;

        Lexer(String s, int pos, boolean inSubst) {
            this.s = s;
            this.pos = pos;
            this.inSubst = inSubst;
        }

        List<Token> all() {
            List<Token> out = new ArrayList<>();
            while (true) {
                Token t = next();
                if (t == null) {
                    continue;
                }
                out.add(t);
                if (t.type == TokenType.EOF) {
                    return out;
                }
            }
        }

        /** The next token; null when a piece of text made none (an IO number, a line continuation). */
        private Token next() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r')) {
                pos++;
            }
            if (pos >= s.length()) {
                if (inSubst) {
                    throw new Unreadable("a command substitution $( is not closed by )");
                }
                if (!pendingHeredocs.isEmpty()) {
                    throw new Unreadable("a here-document (<<"
                            + heredocDelimiters.getFirst().text() + ") has no body and no closing line");
                }
                return new Token(TokenType.EOF, null, null);
            }
            char c = s.charAt(pos);
            if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                pos += 2;
                return null;
            }
            if (c == '#') {
                while (pos < s.length() && s.charAt(pos) != '\n') {
                    pos++;
                }
                return null;
            }
            if (c == '\n') {
                pos++;
                readHeredocBodies();
                return new Token(TokenType.NEWLINE, null, null);
            }
            if ((c == '<' || c == '>') && pos + 1 < s.length() && s.charAt(pos + 1) == '(') {
                return word(); // process substitution <(...) >(...)
            }
            for (String op : OPERATORS) {
                if (s.startsWith(op, pos)) {
                    if (inSubst && op.equals(")") && parens == 0) {
                        if (!pendingHeredocs.isEmpty()) {
                            throw new Unreadable("a here-document inside $(...) has no closing line");
                        }
                        return new Token(TokenType.EOF, null, null);
                    }
                    if (op.equals("(")) {
                        parens++;
                    } else if (op.equals(")")) {
                        parens--;
                    }
                    pos += op.length();
                    Token t = new Token(TokenType.OP, op, null);
                    if (op.equals("<<") || op.equals("<<-")) {
                        nextIsDelimiter = true;
                        lastHeredocOp = t;
                    }
                    return t;
                }
            }
            return word();
        }

        private Token word() {
            WordBuilder w = new WordBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' || c == '|' || c == ')') {
                    break;
                }
                if (c == '(') {
                    break; // name() of a function definition, a=( of an array, or a subshell
                }
                if (c == '<' || c == '>') {
                    if (pos + 1 < s.length() && s.charAt(pos + 1) == '(') {
                        int start = pos;
                        pos += 2;
                        Script sc = substitution(start);
                        w.add(new Subst(sc, s.substring(start, pos)));
                        continue;
                    }
                    if (w.isIoNumber()) {
                        return null; // 2>&1: the 2 is the redirection's file descriptor, not a word
                    }
                    break;
                }
                if (c == '\\') {
                    if (pos + 1 < s.length()) {
                        if (s.charAt(pos + 1) != '\n') {
                            w.lit(s.charAt(pos + 1));
                        }
                        w.quoted = true;
                        pos += 2;
                    } else {
                        pos++;
                    }
                } else if (c == '\'') {
                    int end = s.indexOf('\'', pos + 1);
                    if (end < 0) {
                        throw new Unreadable("a single quote (') is not closed");
                    }
                    w.lit(s.substring(pos + 1, end));
                    w.quoted = true;
                    pos = end + 1;
                } else if (c == '"') {
                    pos++;
                    doubleQuoted(w, '"');
                    w.quoted = true;
                } else if (c == '$') {
                    dollar(w, false);
                } else if (c == '`') {
                    backtick(w);
                } else {
                    if (c == '*' || c == '?' || c == '[') {
                        w.glob = true;
                    }
                    w.lit(c);
                    pos++;
                }
            }
            Word word = w.build();
            if (nextIsDelimiter) {
                nextIsDelimiter = false;
                pendingHeredocs.add(lastHeredocOp);
                heredocDelimiters.add(word);
            }
            return new Token(TokenType.WORD, null, word);
        }

        /** The content of a double-quoted string (or of an unquoted here-document, {@code end} 0) up to its end. */
        private void doubleQuoted(WordBuilder w, char end) {
            while (true) {
                if (pos >= s.length()) {
                    if (end == 0) {
                        return;
                    }
                    throw new Unreadable("a double quote (\") is not closed");
                }
                char c = s.charAt(pos);
                if (c == end) {
                    pos++;
                    return;
                }
                if (c == '\\' && pos + 1 < s.length()) {
                    char n = s.charAt(pos + 1);
                    if (n == '$' || n == '`' || n == '"' || n == '\\') {
                        w.lit(n);
                    } else if (n != '\n') {
                        w.lit('\\');
                        w.lit(n);
                    }
                    pos += 2;
                } else if (c == '$') {
                    dollar(w, true);
                } else if (c == '`') {
                    backtick(w);
                } else {
                    w.lit(c);
                    pos++;
                }
            }
        }

        private void dollar(WordBuilder w, boolean inDoubleQuotes) {
            int start = pos;
            char n = pos + 1 < s.length() ? s.charAt(pos + 1) : 0;
            if (n == '\'' && !inDoubleQuotes) {
                pos += 2;
                w.lit(ansiC());
                w.quoted = true;
            } else if (n == '"' && !inDoubleQuotes) {
                pos += 2;
                doubleQuoted(w, '"');
                w.quoted = true;
            } else if (n == '(' && pos + 2 < s.length() && s.charAt(pos + 2) == '(') {
                int end = matching(pos + 1, '(', ')');
                String inner = s.substring(pos + 3, Math.max(pos + 3, end - 1));
                pos = end + 1;
                w.add(new Opaque(s.substring(start, pos)));
                // $(( $(cmd) + `cmd` )): the substitutions in an arithmetic expansion run
                Lexer l = new Lexer(inner, 0, false);
                WordBuilder nested = new WordBuilder();
                l.doubleQuoted(nested, (char) 0);
                for (Part p : nested.parts) {
                    if (p instanceof Subst sub) {
                        w.add(new Subst(sub.script(), ""));
                    }
                }
            } else if (n == '(') {
                pos += 2;
                Script sc = substitution(start);
                w.add(new Subst(sc, s.substring(start, pos)));
            } else if (n == '{') {
                int end = matching(pos + 1, '{', '}');
                String inner = s.substring(pos + 2, end);
                pos = end + 1;
                if (inner.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    w.add(new Param(inner, s.substring(start, pos)));
                } else {
                    w.add(new Opaque(s.substring(start, pos)));
                    // ${X:-$(cmd)}: the substitution runs too
                    Lexer l = new Lexer(inner, 0, false);
                    WordBuilder nested = new WordBuilder();
                    l.doubleQuoted(nested, (char) 0);
                    for (Part p : nested.parts) {
                        if (p instanceof Subst sub) {
                            w.add(new Subst(sub.script(), ""));
                        }
                    }
                }
            } else if (Character.isLetter(n) || n == '_') {
                int end = pos + 1;
                while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
                    end++;
                }
                w.add(new Param(s.substring(pos + 1, end), s.substring(start, end)));
                pos = end;
            } else if (n != 0 && "0123456789@*#?$!-".indexOf(n) >= 0) {
                pos += 2;
                w.add(new Opaque(s.substring(start, pos)));
            } else {
                w.lit('$');
                pos++;
            }
        }

        /** {@code $'...'}: ANSI-C quoting, from just after the opening quote. */
        private String ansiC() {
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw new Unreadable("a $'...' string is not closed");
                }
                char c = s.charAt(pos++);
                if (c == '\'') {
                    return b.toString();
                }
                if (c != '\\' || pos >= s.length()) {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'a' -> b.append('\u0007');
                    case 'b' -> b.append('\b');
                    case 'e', 'E' -> b.append('\u001b');
                    case 'f' -> b.append('\f');
                    case 'v' -> b.append('\u000b');
                    case 'x' -> b.append((char) number(16, 2));
                    case 'u' -> b.appendCodePoint(number(16, 4));
                    case 'U' -> b.appendCodePoint(number(16, 8));
                    case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                        pos--;
                        b.append((char) number(8, 3));
                    }
                    default -> b.append(e);
                }
            }
        }

        private int number(int radix, int maxDigits) {
            int start = pos;
            while (pos < s.length() && pos - start < maxDigits && Character.digit(s.charAt(pos), radix) >= 0) {
                pos++;
            }
            return start == pos ? 0 : Integer.parseInt(s.substring(start, pos), radix);
        }

        /** The commands of {@code $(...)} or {@code <(...)}, from just after the opening parenthesis. */
        private Script substitution(int start) {
            Lexer inner = new Lexer(s, pos, true);
            List<Token> tokens = inner.all();
            if (inner.pos >= s.length() || s.charAt(inner.pos) != ')') {
                throw new Unreadable(
                        "the substitution starting at `" + abbreviate(s.substring(start)) + "` is not closed by )");
            }
            pos = inner.pos + 1;
            return new Parser(tokens).parse();
        }

        private void backtick(WordBuilder w) {
            int start = pos;
            StringBuilder inner = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= s.length()) {
                    throw new Unreadable("a backtick (`) is not closed");
                }
                char c = s.charAt(pos);
                if (c == '`') {
                    pos++;
                    break;
                }
                if (c == '\\' && pos + 1 < s.length() && "$`\\".indexOf(s.charAt(pos + 1)) >= 0) {
                    inner.append(s.charAt(pos + 1));
                    pos += 2;
                } else {
                    inner.append(c);
                    pos++;
                }
            }
            w.add(new Subst(read(inner.toString()), s.substring(start, pos)));
        }

        /** The index of the character closing the bracket at {@code open}, skipping quotes. */
        private int matching(int open, char o, char c) {
            int depth = 0;
            for (int i = open; i < s.length(); i++) {
                char x = s.charAt(i);
                if (x == '\\') {
                    i++;
                } else if (x == '\'') {
                    int end = s.indexOf('\'', i + 1);
                    if (end < 0) {
                        break;
                    }
                    i = end;
                } else if (x == o) {
                    depth++;
                } else if (x == c && --depth == 0) {
                    return i;
                }
            }
            throw new Unreadable("`" + abbreviate(s.substring(open - 1)) + "` is not closed by " + c);
        }

        private void readHeredocBodies() {
            for (int i = 0; i < pendingHeredocs.size(); i++) {
                Token op = pendingHeredocs.get(i);
                Word delimiterWord = heredocDelimiters.get(i);
                String delimiter = delimiterWord.text();
                boolean strip = op.op.equals("<<-");
                StringBuilder body = new StringBuilder();
                boolean closed = false;
                while (pos < s.length()) {
                    int eol = s.indexOf('\n', pos);
                    String line = eol < 0 ? s.substring(pos) : s.substring(pos, eol);
                    pos = eol < 0 ? s.length() : eol + 1;
                    String compared = strip ? line.replaceFirst("^\t+", "") : line;
                    if (compared.equals(delimiter)) {
                        closed = true;
                        break;
                    }
                    body.append(strip ? compared : line).append('\n');
                }
                if (!closed) {
                    throw new Unreadable(
                            "the here-document <<" + delimiter + " has no closing line `" + delimiter + "`");
                }
                if (delimiterWord.quoted()) {
                    op.heredoc = Word.literal(body.toString());
                } else {
                    Lexer l = new Lexer(body.toString(), 0, false);
                    WordBuilder w = new WordBuilder();
                    l.doubleQuoted(w, (char) 0);
                    op.heredoc = w.build();
                }
            }
            pendingHeredocs.clear();
            heredocDelimiters.clear();
        }
    }

    private static final class WordBuilder {
        final List<Part> parts = new ArrayList<>();
        final StringBuilder lit = new StringBuilder();
        boolean glob;
        boolean quoted;

        void lit(char c) {
            lit.append(c);
        }

        void lit(String t) {
            lit.append(t);
        }

        void add(Part p) {
            flush();
            parts.add(p);
        }

        boolean isIoNumber() {
            return parts.isEmpty() && !quoted && !lit.isEmpty() && lit.chars().allMatch(Character::isDigit);
        }

        private void flush() {
            if (!lit.isEmpty()) {
                parts.add(new Lit(lit.toString()));
                lit.setLength(0);
            }
        }

        Word build() {
            flush();
            if (parts.isEmpty()) {
                parts.add(new Lit(""));
            }
            return new Word(List.copyOf(parts), glob, quoted);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The parser: tokens into simple commands, through the compound commands around them

    private static final class Parser {
        private final List<Token> tokens;
        private int i;
        private final List<Command> out = new ArrayList<>();
        private final Deque<String> closers = new ArrayDeque<>();
        /** For each open {@code case}: true while a pattern is expected. */
        private final Deque<Boolean> cases = new ArrayDeque<>();

        private List<Word> assignments = new ArrayList<>();
        private List<Word> words = new ArrayList<>();
        private List<Word> other = new ArrayList<>();
        /** The files the command's redirections overwrite, and those they add to. */
        private List<Word> writes = new ArrayList<>();

        private List<Word> appends = new ArrayList<>();
        private Input stdin = Input.INHERITED;
        private Input pipeInput = Input.INHERITED;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        Script parse() {
            while (true) {
                Token t = tokens.get(i++);
                switch (t.type) {
                    case EOF -> {
                        end(Input.INHERITED);
                        if (!closers.isEmpty()) {
                            throw new Unreadable(
                                    "`" + closers.peek() + "` is missing: a compound command is not" + " closed");
                        }
                        return new Script(List.copyOf(out));
                    }
                    case NEWLINE -> {
                        if (words.isEmpty() && assignments.isEmpty() && pipeInput.kind() == InputKind.PIPE) {
                            continue; // a | at the end of a line goes on on the next one
                        }
                        end(Input.INHERITED);
                    }
                    case WORD -> word(t);
                    case OP -> op(t);
                }
            }
        }

        private boolean commandPosition() {
            return words.isEmpty() && assignments.isEmpty();
        }

        private void word(Token t) {
            if (!cases.isEmpty() && cases.peek()) {
                if (t.isWord("esac")) {
                    cases.pop();
                    pop("esac");
                    return;
                }
                other.add(t.word);
                return;
            }
            if (commandPosition()) {
                String w = t.word.quoted() || !t.word.known() ? "" : t.word.text();
                switch (w) {
                    case "if" -> closers.push("fi");
                    case "while", "until", "then", "else", "elif", "!" -> {
                        // keywords that open or continue a compound command: the next word is in command position
                    }
                    case "do" -> closers.push("done");
                    case "{" -> closers.push("}");
                    case "fi", "done", "}" -> pop(w);
                    case "esac" -> {
                        if (cases.isEmpty()) {
                            throw new Unreadable("`esac` without `case`");
                        }
                        cases.pop();
                        pop("esac");
                    }
                    case "for", "select" -> loopHead();
                    case "case" -> caseHead();
                    case "function" -> functionHead();
                    default -> {
                        if (isAssignment(t.word)) {
                            assignments.add(t.word);
                        } else {
                            words.add(t.word); // bash's reserved word time too: read as the time command
                        }
                    }
                }
                return;
            }
            if (words.isEmpty() && isAssignment(t.word)) {
                assignments.add(t.word);
            } else {
                words.add(t.word);
            }
        }

        private void pop(String closer) {
            if (closers.isEmpty() || !closers.peek().equals(closer)) {
                throw new Unreadable("`" + closer + "` without its opening keyword");
            }
            closers.pop();
        }

        /** {@code for NAME [in WORDS]} / {@code for ((...))}: the words are expanded, not run. */
        private void loopHead() {
            while (tokens.get(i).type != TokenType.EOF) {
                Token t = tokens.get(i);
                if (t.isOp(";") || t.type == TokenType.NEWLINE || t.isWord("do")) {
                    if (!t.isWord("do")) {
                        i++;
                    }
                    return;
                }
                if (t.type == TokenType.WORD) {
                    other.add(t.word);
                }
                i++;
            }
            throw new Unreadable("a for loop without `do`");
        }

        private void caseHead() {
            Token subject = tokens.get(i++);
            if (subject.type != TokenType.WORD) {
                throw new Unreadable("`case` without a word to match");
            }
            other.add(subject.word);
            while (tokens.get(i).type == TokenType.NEWLINE) {
                i++;
            }
            if (!tokens.get(i).isWord("in")) {
                throw new Unreadable("`case " + subject.word.text() + "` without `in`");
            }
            i++;
            flushOther();
            cases.push(true);
            closers.push("esac");
        }

        private void functionHead() {
            Token name = tokens.get(i++);
            if (name.type != TokenType.WORD) {
                throw new Unreadable("`function` without a name");
            }
            if (tokens.get(i).isOp("(") && tokens.get(i + 1).isOp(")")) {
                i += 2;
            }
        }

        private void op(Token t) {
            if (!cases.isEmpty() && cases.peek() && commandPosition()) {
                if (t.isOp(")")) {
                    cases.pop();
                    cases.push(false);
                    flushOther();
                    return;
                }
                if (t.isOp("(") || t.isOp("|")) {
                    return;
                }
            }
            if (REDIRECTIONS.contains(t.op)) {
                Token target = tokens.get(i++);
                if (target.type != TokenType.WORD) {
                    throw new Unreadable("the redirection " + t.op + " has no target");
                }
                switch (t.op) {
                    case "<" -> stdin = new Input(InputKind.FILE, target.word, null);
                    case "<<<" -> stdin = new Input(InputKind.TEXT, target.word, null);
                    case "<<", "<<-" -> stdin = new Input(InputKind.TEXT, t.heredoc, null);
                    case ">", ">|", "&>" -> {
                        other.add(target.word);
                        writes.add(target.word);
                    }
                    case ">>", "&>>", "<>" -> {
                        other.add(target.word);
                        appends.add(target.word);
                    }
                    default -> other.add(target.word);
                }
                return;
            }
            switch (t.op) {
                case "(" -> {
                    if (words.size() == 1
                            && assignments.isEmpty()
                            && tokens.get(i).isOp(")")) {
                        i++; // name() { ...; }: a function definition; its body is read as commands that may run
                        words.clear();
                        return;
                    }
                    if (words.isEmpty()
                            && !assignments.isEmpty()
                            && assignments.getLast().text().endsWith("=")) {
                        while (!tokens.get(i).isOp(")")) { // an array: a=(x y z)
                            Token x = tokens.get(i++);
                            if (x.type == TokenType.EOF) {
                                throw new Unreadable("an array a=( is not closed by )");
                            }
                            if (x.type == TokenType.WORD) {
                                other.add(x.word);
                            }
                        }
                        i++;
                        return;
                    }
                    if (!commandPosition()) {
                        throw new Unreadable("`(` after `" + words.getFirst().text() + "`: a shell would refuse it");
                    }
                    closers.push(")");
                }
                case ")" -> {
                    end(Input.INHERITED);
                    pop(")");
                }
                case "|", "|&" -> {
                    Command c = end(Input.INHERITED);
                    pipeInput = new Input(InputKind.PIPE, null, c);
                }
                case ";;", ";&", ";;&" -> {
                    end(Input.INHERITED);
                    if (cases.isEmpty()) {
                        throw new Unreadable("`" + t.op + "` outside a case");
                    }
                    cases.pop();
                    cases.push(true);
                }
                default -> end(Input.INHERITED); // ; & && ||
            }
        }

        private void flushOther() {
            if (!other.isEmpty() && commandPosition()) {
                out.add(new Command(List.of(), List.of(), Input.INHERITED, List.copyOf(other)));
                other = new ArrayList<>();
            }
        }

        /** Ends the simple command being read; the next one's input is {@code next}. Returns it (null: none). */
        private Command end(Input next) {
            Command c = null;
            if (!words.isEmpty() || !assignments.isEmpty() || !other.isEmpty()) {
                Input in = stdin.kind() != InputKind.INHERITED ? stdin : pipeInput;
                c = new Command(
                        List.copyOf(assignments),
                        List.copyOf(words),
                        in,
                        List.copyOf(other),
                        List.copyOf(writes),
                        List.copyOf(appends));
                out.add(c);
            }
            assignments = new ArrayList<>();
            words = new ArrayList<>();
            other = new ArrayList<>();
            writes = new ArrayList<>();
            appends = new ArrayList<>();
            stdin = Input.INHERITED;
            pipeInput = next;
            return c;
        }
    }

    /** True for {@code NAME=...} with a literal, unquoted name. */
    static boolean isAssignment(Word w) {
        if (w.parts().isEmpty() || !(w.parts().getFirst() instanceof Lit l)) {
            return false;
        }
        int eq = l.source().indexOf('=');
        return eq > 0 && l.source().substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*(\\+)?");
    }

    static String abbreviate(String text) {
        String one = text.replace('\n', ' ');
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}
