package org.gradaudit.core.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and string quoting for the core's file formats (the core depends on EJML
 * only). Values: {@link Map} (insertion order), {@link List}, {@link String}, {@link Long} for
 * integer literals, {@link Double} for other numbers, {@link Boolean}, and {@link #NULL}. Errors
 * carry {@code line:column}. Duplicate keys are errors.
 */
final class Json {
    private Json() {}

    /** JSON's null (so that a missing key and an explicit null differ). */
    static final Object NULL = new Object() {
        @Override
        public String toString() { return "null"; }
    };

    static final class JsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message);
        }
    }

    static Object parse(String text, String label) {
        Json.Reader r = new Json.Reader(text, label);
        r.ws();
        Object v = r.value();
        r.ws();
        if (r.i < text.length()) {
            throw r.error("unexpected text after the JSON value");
        }
        return v;
    }

    private static final class Reader {
        final String s;
        final String label;
        int i;

        Reader(String s, String label) {
            this.s = s;
            this.label = label;
        }

        JsonException error(String msg) {
            int line = 1;
            int col = 1;
            for (int k = 0; k < Math.min(i, s.length()); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new JsonException(label + ":" + line + ":" + col + ": invalid JSON: " + msg);
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object value() {
            if (i >= s.length()) {
                throw error("unexpected end of input; expected a value");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                case 't': return word("true", Boolean.TRUE);
                case 'f': return word("false", Boolean.FALSE);
                case 'n': return word("null", NULL);
                default:
                    if (c == '-' || Character.isDigit(c)) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'; expected a value");
            }
        }

        Object word(String w, Object v) {
            if (!s.startsWith(w, i)) {
                throw error("unexpected token; expected " + w);
            }
            i += w.length();
            return v;
        }

        Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                if (i >= s.length() || s.charAt(i) != '"') {
                    throw error("expected a string key");
                }
                int at = i;
                String k = string();
                ws();
                expect(':');
                ws();
                Object v = value();
                if (m.containsKey(k)) {
                    i = at;
                    throw error("duplicate key \"" + k + "\"");
                }
                m.put(k, v);
                ws();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return m;
            }
        }

        List<Object> array() {
            List<Object> a = new ArrayList<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == ']') {
                i++;
                return a;
            }
            while (true) {
                ws();
                a.add(value());
                ws();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                expect(']');
                return a;
            }
        }

        void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'" + (i >= s.length() ? " but the input ended" : " but found '"
                        + s.charAt(i) + "'"));
            }
            i++;
        }

        String string() {
            StringBuilder b = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        throw error("unterminated escape");
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case '"': b.append('"'); break;
                        case '\\': b.append('\\'); break;
                        case '/': b.append('/'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'n': b.append('\n'); break;
                        case 'r': b.append('\r'); break;
                        case 't': b.append('\t'); break;
                        case 'u':
                            if (i + 4 > s.length()) {
                                throw error("bad \\u escape");
                            }
                            try {
                                b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            } catch (NumberFormatException x) {
                                throw error("bad \\u escape");
                            }
                            i += 4;
                            break;
                        default: throw error("bad escape \\" + e);
                    }
                } else {
                    b.append(c);
                }
            }
        }

        Object number() {
            int st = i;
            if (s.charAt(i) == '-') {
                i++;
            }
            boolean integral = true;
            while (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0) {
                char c = s.charAt(i);
                if (c == '.' || c == 'e' || c == 'E') {
                    integral = false;
                }
                i++;
            }
            String t = s.substring(st, i);
            try {
                return integral ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
            } catch (NumberFormatException e) {
                i = st;
                throw error("bad number '" + t + "'");
            }
        }
    }

    /** {@code v} as a JSON string literal. */
    static String quote(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /** A double as JSON (Java's shortest round-trip form; integral values keep a ".0"). */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("JSON cannot hold " + v);
        }
        return Double.toString(v);
    }
}
