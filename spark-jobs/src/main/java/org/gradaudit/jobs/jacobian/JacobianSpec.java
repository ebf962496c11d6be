package org.gradaudit.jobs.jacobian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.NDArray;
import org.gradaudit.jobs.audit.AuditSpec;
import org.gradaudit.jobs.audit.SpecException;
import org.gradaudit.jobs.audit.SpecOptions;

/**
 * A parsed and validated Jacobian spec (immutable): one function of named inputs, exactly as the
 * function part of an audit case ({@code docs/SPEC.md}), the input to differentiate ({@code "wrt"}),
 * a seed for generated points and verification settings. Format in {@code docs/JACOBIAN.md}:
 *
 * <pre>
 * {"name": "tanh_layer", "seed": 7,
 *  "function": {"expression": "tanh(dot(W, x) + b)", "inputs": {"x": {...}, "W": {...}, "b": {...}}},
 *  "wrt": "x",
 *  "verify": {"samples": 4, "eps": null, "absTol": null, "relTol": null}}
 * </pre>
 *
 * Every error is a {@link SpecException} naming the file and the field.
 */
public final class JacobianSpec {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final List<String> TOP = List.of("name", "seed", "function", "wrt", "verify");
    private static final List<String> FUNCTION = List.of("expression", "builder", "graph", "op", "shapes", "dtype",
            "inputs");
    private static final List<String> VERIFY = List.of("samples", "eps", "absTol", "relTol");

    private final String source;
    private final String name;
    private final long seed;
    private final AuditSpec.Case function;
    private final String wrt;
    private final VerifySettings verify;

    private JacobianSpec(String source, String name, long seed, AuditSpec.Case function, String wrt,
            VerifySettings verify) {
        this.source = source;
        this.name = name;
        this.seed = seed;
        this.function = function;
        this.wrt = wrt;
        this.verify = verify;
    }

    /** Finite-difference verification settings; nulls mean Theano's dtype tables. */
    public static final class VerifySettings implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        public static final VerifySettings NONE = new VerifySettings(0, null, null, null);
        private final int samples;
        private final Double eps;
        private final Double absTol;
        private final Double relTol;

        public VerifySettings(int samples, Double eps, Double absTol, Double relTol) {
            this.samples = samples;
            this.eps = eps;
            this.absTol = absTol;
            this.relTol = relTol;
        }

        /** Rows (or columns) to check; 0: no verification. */
        public int samples() { return samples; }
        public Double eps() { return eps; }
        public Double absTol() { return absTol; }
        public Double relTol() { return relTol; }

        public VerifySettings withSamples(int n) {
            return new VerifySettings(n, eps, absTol, relTol);
        }
    }

    /** Reads and validates a spec file; errors name the file (by its file name) and the field. */
    public static JacobianSpec read(Path file) {
        return read(file, SpecOptions.DEFAULTS);
    }

    /** Reads and validates a spec file with the given spec options (paths, memory budget). */
    public static JacobianSpec read(Path file, SpecOptions options) {
        String label = AuditSpec.label(file);
        return parse(AuditSpec.readText(file, label), label, file.toAbsolutePath().getParent(), options);
    }

    /** Parses spec text; {@code label} names it in errors; files are relative to {@code baseDir} (null: working dir). */
    public static JacobianSpec parse(String json, String label, Path baseDir) {
        return parse(json, label, baseDir, SpecOptions.DEFAULTS);
    }

    /** As {@link #parse(String, String, Path)}, with spec options (paths, memory budget). */
    public static JacobianSpec parse(String json, String label, Path baseDir, SpecOptions options) {
        if (json == null) {
            throw new SpecException(label, "", "no spec text (null); expected a JSON object with \"name\", \"function\" and \"wrt\"");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
            throw new SpecException(label, "", "invalid JSON: " + where + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new SpecException(label, "", "expected a JSON object with \"name\", \"function\" and \"wrt\"");
        }
        known(label, root, "", TOP);
        String name = string(label, root, "name");
        long seed = AuditSpec.DEFAULT_SEED;
        if (root.has("seed")) {
            JsonNode s = root.get("seed");
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw new SpecException(label, "seed", "expected an integer, got " + s);
            }
            seed = s.longValue();
        }
        JsonNode fn = root.get("function");
        if (fn == null) {
            throw new SpecException(label, "function", "missing; expected an object with \"inputs\" and one of"
                    + " \"expression\", \"builder\", \"graph\", \"op\" (as an audit case, without \"name\")");
        }
        if (fn.isObject()) {
            known(label, fn, "function", FUNCTION);
        }
        AuditSpec.Case c = AuditSpec.parseFunction(label, baseDir, "function", name, fn, options);
        String wrt = string(label, root, "wrt");
        if (!c.inputs().containsKey(wrt)) {
            throw new SpecException(label, "wrt", "no input named \"" + wrt + "\"; the function's inputs are "
                    + c.inputNames());
        }
        VerifySettings verify = VerifySettings.NONE;
        if (root.has("verify")) {
            verify = verify(label, root.get("verify"));
        }
        return new JacobianSpec(label, name, seed, c, wrt, verify);
    }

    private static VerifySettings verify(String label, JsonNode v) {
        if (!v.isObject()) {
            throw new SpecException(label, "verify", "expected an object with any of " + VERIFY + ", got " + v);
        }
        known(label, v, "verify", VERIFY);
        int samples = 0;
        if (v.has("samples")) {
            JsonNode s = v.get("samples");
            if (!s.isIntegralNumber() || !s.canConvertToInt() || s.intValue() < 0) {
                throw new SpecException(label, "verify.samples", "expected a non-negative integer, got " + s);
            }
            samples = s.intValue();
        }
        return new VerifySettings(samples, positive(label, v, "eps"), positive(label, v, "absTol"),
                positive(label, v, "relTol"));
    }

    private static Double positive(String label, JsonNode v, String field) {
        JsonNode x = v.get(field);
        if (x == null || x.isNull()) {
            return null;
        }
        if (!x.isNumber() || !(x.doubleValue() > 0) || !Double.isFinite(x.doubleValue())) {
            throw new SpecException(label, "verify." + field, "expected a positive number or null (null: the dtype"
                    + " default), got " + x);
        }
        return x.doubleValue();
    }

    private static void known(String label, JsonNode node, String path, List<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new SpecException(label, (path.isEmpty() ? "" : path + ".") + f,
                        "unknown field; expected one of " + String.join(", ", allowed));
            }
        }
    }

    private static String string(String label, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new SpecException(label, field, "missing; expected a non-empty string");
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new SpecException(label, field, "expected a non-empty string, got " + v);
        }
        return v.textValue();
    }

    /** The file name (or label) the spec was read from. */
    public String source() { return source; }
    public String name() { return name; }
    public long seed() { return seed; }
    /** The function, as an audit case named after the spec. */
    public AuditSpec.Case function() { return function; }
    /** The name of the input differentiated with respect to. */
    public String wrt() { return wrt; }
    public int wrtIndex() { return function.inputNames().indexOf(wrt); }
    public VerifySettings verify() { return verify; }

    /** The same spec with another number of verified samples (the CLI's {@code --verify N}). */
    public JacobianSpec withVerifySamples(int n) {
        return new JacobianSpec(source, name, seed, function, wrt, verify.withSamples(n));
    }

    /** The point: every input's value, in declaration order (a pure function of the spec). */
    public List<NDArray> points() {
        List<NDArray> r = new ArrayList<>();
        for (Map.Entry<String, AuditSpec.Input> e : function.inputs().entrySet()) {
            r.add(e.getValue().generate(seed, name, e.getKey()));
        }
        return r;
    }

    /** How the function is defined, for summaries: {@code expression tanh(x)}, {@code builder a.B}, ... */
    public String describeFunction() {
        return function.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + function.definition();
    }
}
