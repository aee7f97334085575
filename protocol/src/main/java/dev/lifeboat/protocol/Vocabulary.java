package dev.lifeboat.protocol;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a front end says a {@link Param}: the words an operator of that front end can act on. */
public enum Vocabulary {
    /** {@code lifeboat}: the flag, e.g. {@code --create}. */
    COMMAND_LINE,
    /**
     * A Lambda function's or Fargate task's payload: the field, e.g. {@code field 'create'}; an option no payload
     * carries is named as the command line's.
     */
    PAYLOAD;

    private static final Pattern MARKED = Pattern.compile(Param.MARK + "([^" + Param.MARK + "]*)" + Param.MARK);

    /** How this front end says {@code p}. */
    public String word(Param p) {
        return switch (this) {
            case COMMAND_LINE -> p.flag();
            case PAYLOAD ->
                p.field() != null
                        ? "field '" + p.field() + "'"
                        : "the command line's " + p.flag() + " (no payload field: run lifeboat)";
        };
    }

    /** {@code text} with every option in it said this front end's way. */
    public String render(String text) {
        if (text == null || text.indexOf(Param.MARK) < 0) {
            return text;
        }
        Matcher m = MARKED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Param p = Param.byFlag(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(p == null ? m.group(1) : word(p)));
        }
        m.appendTail(out);
        return out.toString().replace(String.valueOf(Param.MARK), "");
    }
}
