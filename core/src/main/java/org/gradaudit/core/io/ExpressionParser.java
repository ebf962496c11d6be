package org.gradaudit.core.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * Parses a small arithmetic language over named symbolic inputs into a graph built with {@link T}.
 *
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/') unary)*
 * unary   := '-' unary | power
 * power   := primary ('**' unary)?            right-associative; binds tighter than unary minus
 * primary := NUMBER | STRING | list | NAME | call | '(' expr ')'
 * call    := NAME '(' [arg (',' arg)*] ')'     keyword arguments after the positional ones
 * arg     := expr | NAME '=' expr
 * list    := '[' [unary (',' unary)*] ']'       number literals only: an int64 or float64 vector
 * NUMBER  := digits ['.' digits] [('e'|'E') ['+'|'-'] digits]   (also '.5', '5.')
 * STRING  := "'" chars "'" | '"' chars '"'      e.g. a dtype: cast(x, 'float32')
 * NAME    := [A-Za-z_][A-Za-z0-9_]*
 * </pre>
 *
 * As in Python, {@code -x ** 2} is {@code -(x ** 2)}, {@code 2 ** -1} is allowed and
 * {@code a ** b ** c} is {@code a ** (b ** c)}. Whitespace (including newlines) separates tokens.
 *
 * <p>Functions: the table of {@link OpRegistry} (a fixed whitelist; nothing is looked up by
 * reflection): every elementwise scalar op by its name ({@code tanh(x)}, {@code clip(x, -1, 1)},
 * {@code switch(c, a, b)}), the reductions ({@code sum(x, 0)}, {@code max(x, 0, keepdims=1)},
 * {@code var(x, 1, ddof=1)}), {@code softmax(x, 1)}, {@code dot}, shape ops
 * ({@code reshape(x, 2, 3)}, {@code dimshuffle(x, 1, 'x', 0)}, {@code join(0, a, b)}) and the
 * advanced-index ops with list literals ({@code advanced_subtensor1(x, [0, 2])}).
 *
 * <p>Numbers are weak literals ({@link T#asTensor(Object, Variable)}): {@code x * 2} keeps x's
 * dtype. A name is an input of the map; a literal-only expression becomes a constant.
 *
 * <p>Every problem is an {@link ExpressionException} whose message starts with
 * {@code line:column} and says what was expected: an unknown function or name (with the allowed
 * ones), a wrong number of arguments, a bad argument (located at that argument), an unexpected
 * token or character, or an error of the op the token applies (for example dot of a 3-d tensor),
 * located at that token.
 */
public final class ExpressionParser {

    /** The whitelisted functions, in the order error messages list them. */
    public static final List<String> FUNCTIONS = OpRegistry.names();

    /**
     * The deepest nesting accepted (parentheses, calls, lists, unary minus, exponents): the parser is
     * recursive descent, so an unbounded depth would end in a StackOverflowError (found by fuzzing).
     */
    public static final int MAX_NESTING = 200;

    private final Map<String, Variable> inputs;
    private final List<Token> tokens;
    private int pos;
    private int depth;

    private ExpressionParser(String text, Map<String, Variable> inputs) {
        this.inputs = inputs;
        this.tokens = tokenize(text);
    }

    /**
     * Parses {@code text} into a variable computed from {@code inputs} (name to symbolic input).
     *
     * @throws ExpressionException on any syntax, name, arity or op error, located in {@code text}
     */
    public static Variable parse(String text, Map<String, Variable> inputs) {
        if (text == null) {
            throw new ExpressionException(1, 1, "expected an expression but found nothing (null)");
        }
        if (inputs == null) {
            throw new IllegalArgumentException("inputs must not be null (pass an empty map for none)");
        }
        ExpressionParser p = new ExpressionParser(text, inputs);
        Token first = p.peek();
        Object value = p.expr();
        Token t = p.peek();
        if (t.kind != Kind.END) {
            throw p.unexpected(t, "an operator (+ - * / **) or the end of the expression");
        }
        return p.build(first, "the expression", () -> T.asTensor(value));
    }

    // ---------------------------------------------------------------- grammar

    private Object expr() {
        Object left = term();
        while (peek().kind == Kind.PLUS || peek().kind == Kind.MINUS) {
            Token op = next();
            Object l = left;
            Object r = term();
            left = op.kind == Kind.PLUS ? build(op, "'+'", () -> T.add(l, r)) : build(op, "'-'", () -> T.sub(l, r));
        }
        return left;
    }

    private Object term() {
        Object left = unary();
        while (peek().kind == Kind.STAR || peek().kind == Kind.SLASH) {
            Token op = next();
            Object l = left;
            Object r = unary();
            left = op.kind == Kind.STAR ? build(op, "'*'", () -> T.mul(l, r)) : build(op, "'/'", () -> T.trueDiv(l, r));
        }
        return left;
    }

    private Object unary() {
        if (depth >= MAX_NESTING) {
            Token t = peek();
            throw new ExpressionException(t.line, t.column, "the expression is nested more than " + MAX_NESTING
                    + " levels deep (parentheses, calls, lists, unary minus, exponents); simplify it");
        }
        depth++;
        try {
            return unaryAt();
        } finally {
            depth--;
        }
    }

    private Object unaryAt() {
        if (peek().kind == Kind.MINUS) {
            Token op = next();
            Object x = unary();
            if (x instanceof Long) {
                return -(Long) x;                         // -2 stays a weak literal, as in Python
            }
            if (x instanceof Double) {
                return -(Double) x;
            }
            return build(op, "unary '-'", () -> T.neg(x));
        }
        return power();
    }

    private Object power() {
        Object base = primary();
        if (peek().kind == Kind.POW) {
            Token op = next();
            Object exponent = unary();                   // right-associative, may be negated
            return build(op, "'**'", () -> T.pow(base, exponent));
        }
        return base;
    }

    private Object primary() {
        Token t = next();
        switch (t.kind) {
            case NUMBER:
                return number(t);
            case STRING:
                return t.text;
            case LBRACKET:
                return list(t);
            case LPAREN: {
                Object inner = expr();
                expect(Kind.RPAREN, "')' to close the '(' at " + t.line + ":" + t.column);
                return inner;
            }
            case NAME:
                if (peek().kind == Kind.LPAREN) {
                    return call(t);
                }
                Variable v = inputs.get(t.text);
                if (v == null) {
                    String hint = FUNCTIONS.contains(t.text) ? "'" + t.text + "' is a function: call it as "
                            + t.text + "(...); " : "";
                    throw new ExpressionException(t.line, t.column, "unknown name '" + t.text + "'; " + hint
                            + "expected one of the inputs " + new TreeSet<>(inputs.keySet()));
                }
                return v;
            default:
                throw unexpected(t, "a number, a name, a function call, a string, a list or '('");
        }
    }

    private Object number(Token t) {
        String s = t.text;
        boolean integral = s.chars().allMatch(Character::isDigit);
        try {
            return integral ? (Object) Long.parseLong(s) : (Object) Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new ExpressionException(t.line, t.column, "number '" + s + "' is out of range", e);
        }
    }

    private Object call(Token name) {
        String f = name.text;
        if (!OpRegistry.has(f)) {
            throw new ExpressionException(name.line, name.column, "unknown function '" + f + "'; expected one of "
                    + String.join(", ", FUNCTIONS));
        }
        expect(Kind.LPAREN, "'(' after " + f);
        List<Object> args = new ArrayList<>();
        List<Token> argTokens = new ArrayList<>();
        Map<String, Object> kwargs = new LinkedHashMap<>();
        Map<String, Token> kwTokens = new LinkedHashMap<>();
        if (peek().kind != Kind.RPAREN) {
            do {
                Token at = peek();
                if (at.kind == Kind.NAME && tokens.get(pos + 1).kind == Kind.ASSIGN) {
                    next();
                    next();
                    if (kwargs.containsKey(at.text)) {
                        throw new ExpressionException(at.line, at.column, "keyword '" + at.text + "' given twice");
                    }
                    kwTokens.put(at.text, at);
                    kwargs.put(at.text, expr());
                } else {
                    if (!kwargs.isEmpty()) {
                        throw new ExpressionException(at.line, at.column, "positional argument after a keyword argument"
                                + " in " + f + "(...)");
                    }
                    argTokens.add(at);
                    args.add(expr());
                }
            } while (accept(Kind.COMMA));
        }
        expect(Kind.RPAREN, "',' or ')' in the arguments of " + f + "(...) opened at " + name.line + ":"
                + name.column);
        try {
            return build(name, f + "(...)", () -> OpRegistry.call(f, args, kwargs));
        } catch (ExpressionException e) {
            if (e.getCause() instanceof OpRegistry.ArgException) {
                OpRegistry.ArgException a = (OpRegistry.ArgException) e.getCause();
                Token at = a.index() >= 0 && a.index() < argTokens.size() ? argTokens.get(a.index())
                        : a.keyword() != null && kwTokens.containsKey(a.keyword()) ? kwTokens.get(a.keyword()) : name;
                throw new ExpressionException(at.line, at.column, a.getMessage(), a);
            }
            throw e;
        }
    }

    /** A list literal {@code [1, 2, -3]} of number literals: an int64 vector, or float64 if any is not an integer. */
    private NDArray list(Token open) {
        List<Object> items = new ArrayList<>();
        if (peek().kind != Kind.RBRACKET) {
            do {
                Token at = peek();
                Object v = unary();
                if (!(v instanceof Long) && !(v instanceof Double)) {
                    throw new ExpressionException(at.line, at.column, "a list literal holds number literals only");
                }
                items.add(v);
            } while (accept(Kind.COMMA));
        }
        expect(Kind.RBRACKET, "',' or ']' to close the list opened at " + open.line + ":" + open.column);
        boolean ints = items.stream().allMatch(v -> v instanceof Long);
        double[] d = new double[items.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) items.get(i)).doubleValue();
        }
        return NDArray.of(ints ? DType.INT64 : DType.FLOAT64, new int[] {d.length}, d);
    }

    /** Applies an op, turning the core's argument errors into errors located at {@code at}. */
    private Variable build(Token at, String what, java.util.function.Supplier<Variable> op) {
        try {
            return op.get();
        } catch (ExpressionException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new ExpressionException(at.line, at.column, "cannot build " + what + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- tokens

    private enum Kind { NUMBER, NAME, STRING, PLUS, MINUS, STAR, SLASH, POW, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA,
        ASSIGN, END }

    private static final class Token {
        final Kind kind;
        final String text;
        final int line;
        final int column;

        Token(Kind kind, String text, int line, int column) {
            this.kind = kind;
            this.text = text;
            this.line = line;
            this.column = column;
        }

        String describe() {
            return kind == Kind.END ? "the end of the expression" : "'" + text + "'";
        }
    }

    private Token peek() { return tokens.get(pos); }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind != Kind.END) {
            pos++;
        }
        return t;
    }

    private boolean accept(Kind k) {
        if (peek().kind == k) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(Kind k, String what) {
        Token t = next();
        if (t.kind != k) {
            throw unexpected(t, what);
        }
    }

    private ExpressionException unexpected(Token t, String expected) {
        return new ExpressionException(t.line, t.column, "expected " + expected + " but found " + t.describe());
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int line = 1;
        int lineStart = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int col = i - lineStart + 1;
            if (c == '\n') {
                line++;
                lineStart = i + 1;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int j = i;
                while (j < s.length() && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                if (j < s.length() && s.charAt(j) == '.') {
                    j++;
                    while (j < s.length() && Character.isDigit(s.charAt(j))) {
                        j++;
                    }
                }
                if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
                    int k = j + 1;
                    if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                        k++;
                    }
                    if (k >= s.length() || !Character.isDigit(s.charAt(k))) {
                        throw new ExpressionException(line, k - lineStart + 1, "expected the digits of the exponent of '"
                                + s.substring(i, Math.min(k, s.length())) + "' but found "
                                + (k >= s.length() ? "the end of the expression" : "'" + s.charAt(k) + "'"));
                    }
                    while (k < s.length() && Character.isDigit(s.charAt(k))) {
                        k++;
                    }
                    j = k;
                }
                if (j < s.length() && isNameChar(s.charAt(j))) {
                    throw new ExpressionException(line, j - lineStart + 1, "expected an operator, ',' or ')' after the number '"
                            + s.substring(i, j) + "' but found '" + s.charAt(j) + "'");
                }
                out.add(new Token(Kind.NUMBER, s.substring(i, j), line, col));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && isNameChar(s.charAt(j))) {
                    j++;
                }
                out.add(new Token(Kind.NAME, s.substring(i, j), line, col));
                i = j;
            } else if (c == '\'' || c == '"') {
                int j = s.indexOf(c, i + 1);
                int nl = s.indexOf('\n', i + 1);
                if (j < 0 || (nl >= 0 && nl < j)) {
                    throw new ExpressionException(line, col, "unterminated string literal (opened with " + c + ")");
                }
                out.add(new Token(Kind.STRING, s.substring(i + 1, j), line, col));
                i = j + 1;
            } else if (c == '*' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                out.add(new Token(Kind.POW, "**", line, col));
                i += 2;
            } else {
                Kind k;
                switch (c) {
                    case '+': k = Kind.PLUS; break;
                    case '-': k = Kind.MINUS; break;
                    case '*': k = Kind.STAR; break;
                    case '/': k = Kind.SLASH; break;
                    case '(': k = Kind.LPAREN; break;
                    case ')': k = Kind.RPAREN; break;
                    case ',': k = Kind.COMMA; break;
                    case '[': k = Kind.LBRACKET; break;
                    case ']': k = Kind.RBRACKET; break;
                    case '=': k = Kind.ASSIGN; break;
                    default:
                        throw new ExpressionException(line, col, "unexpected character '" + c
                                + "'; expected a number, a name, a string, one of + - * / ** ( ) [ ] , = or whitespace");
                }
                out.add(new Token(k, String.valueOf(c), line, col));
                i++;
            }
        }
        out.add(new Token(Kind.END, "", line, s.length() - lineStart + 1));
        return out;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /**
     * An expression could not be parsed or built. The message starts with {@code line:column}
     * (both 1-based) of the offending token and says what was expected there. Unchecked.
     */
    public static final class ExpressionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final int line;
        private final int column;
        private final String detail;

        public ExpressionException(int line, int column, String detail) {
            super(line + ":" + column + ": " + detail);
            this.line = line;
            this.column = column;
            this.detail = detail;
        }

        public ExpressionException(int line, int column, String detail, Throwable cause) {
            this(line, column, detail);
            initCause(cause);
        }

        /** 1-based line of the offending token. */
        public int line() { return line; }

        /** 1-based column of the offending token. */
        public int column() { return column; }

        /** The message without the position. */
        public String detail() { return detail; }
    }
}
