package org.gradaudit.jobs.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.check.Streams;

/**
 * A parsed and validated audit spec (immutable). The JSON format, with defaults:
 *
 * <pre>
 * {
 *   "name": "quickstart",                        required
 *   "seed": 666,                                 projections and points; default 666
 *   "defaults": {                                optional; every field optional
 *     "nTests": 2, "mode": "theano",             mode: theano | central | fast
 *     "eps": null, "absTol": null, "relTol": null,   null: from the dtype tables
 *     "nProjections": 8                          directions per test in fast mode
 *   },
 *   "cases": [                                   required, non-empty, unique names
 *     {"name": "tanh_dot",
 *      "expression": "sum(tanh(dot(x, W)) ** 2)",   exactly one of expression / builder
 *      "inputs": {                               required, non-empty; order = declaration order
 *        "x": {"shape": [3],                     required
 *              "dtype": "float64",               float16 | float32 | float64; default float64
 *              "generator": {"kind": "normal", "mean": 0, "std": 1},   default normal(0, 1)
 *                        or {"kind": "uniform", "low": -1, "high": 1}  (defaults -1, 1)
 *              "seed": 1},                       default 0
 *        "W": {...}},
 *      "check": {"nTests": 3, ...}},             optional overrides of "defaults"
 *     {"name": "custom", "builder": "com.example.MyCase", "inputs": {...}}
 *   ]
 * }
 * </pre>
 *
 * Unknown fields are errors. A builder names a public class with a public no-argument
 * constructor that implements {@link org.gradaudit.core.check.GraphBuilder}; it receives the
 * inputs in declaration order. Points are generated on the driver from
 * (spec seed, case name, input name, input seed) alone (see {@link Input#generate}).
 */
public final class AuditSpec {
    public static final long DEFAULT_SEED = 666;

    private final String source;
    private final String name;
    private final long seed;
    private final CheckSettings defaults;
    private final List<Case> cases;

    AuditSpec(String source, String name, long seed, CheckSettings defaults, List<Case> cases) {
        this.source = source;
        this.name = name;
        this.seed = seed;
        this.defaults = defaults;
        this.cases = Collections.unmodifiableList(new ArrayList<>(cases));
    }

    /** Reads and validates a spec file; errors name the file (by its file name) and the field. */
    public static AuditSpec read(Path file) {
        String label = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(label, "", "no such file: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new SpecException(label, "", "cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
        return parse(text, label);
    }

    /** Parses spec text; {@code label} names it in error messages. Builders load from the context class loader. */
    public static AuditSpec parse(String json, String label) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return new AuditSpecParser(label, cl != null ? cl : AuditSpec.class.getClassLoader()).parse(json);
    }

    /** The file name (or label) the spec was read from. */
    public String source() { return source; }
    public String name() { return name; }
    public long seed() { return seed; }
    public CheckSettings defaults() { return defaults; }
    public List<Case> cases() { return cases; }

    /** The same spec with another seed (the CLI's {@code --seed}). */
    public AuditSpec withSeed(long newSeed) {
        return new AuditSpec(source, name, newSeed, defaults, cases);
    }

    /** One case: a graph (an expression or a builder class) over named inputs, and how to check it. */
    public static final class Case {
        private final String name;
        private final String expression;
        private final String builder;
        private final Map<String, Input> inputs;
        private final CheckSettings check;

        Case(String name, String expression, String builder, LinkedHashMap<String, Input> inputs, CheckSettings check) {
            this.name = name;
            this.expression = expression;
            this.builder = builder;
            this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
            this.check = check;
        }

        public String name() { return name; }
        /** The expression, or null for a builder case. */
        public String expression() { return expression; }
        /** The builder's class name, or null for an expression case. */
        public String builder() { return builder; }
        /** The inputs in declaration order. */
        public Map<String, Input> inputs() { return inputs; }
        public List<String> inputNames() { return new ArrayList<>(inputs.keySet()); }
        /** The effective settings (defaults merged with the case's overrides). */
        public CheckSettings check() { return check; }
    }

    /** How one input's point is made. */
    public static final class Input {
        private final int[] shape;
        private final DType dtype;
        private final Generator generator;
        private final long seed;

        Input(int[] shape, DType dtype, Generator generator, long seed) {
            this.shape = shape.clone();
            this.dtype = dtype;
            this.generator = generator;
            this.seed = seed;
        }

        public int[] shape() { return shape.clone(); }
        public DType dtype() { return dtype; }
        public Generator generator() { return generator; }
        public long seed() { return seed; }

        /**
         * The point, drawn from its own stream {@code Streams.stream(specSeed,
         * caseKey(caseName + "/" + inputName), inputSeed, POINT)} in C order and rounded to the
         * dtype. It depends on nothing else, so adding or reordering cases and inputs never changes it.
         */
        public NDArray generate(long specSeed, String caseName, String inputName) {
            SplittableRandom r = Streams.stream(specSeed, Streams.caseKey(caseName + "/" + inputName), seed,
                    Streams.POINT);
            double[] d = new double[NDArray.sizeOf(shape)];
            for (int i = 0; i < d.length; i++) {
                d[i] = generator.draw(r);
            }
            return NDArray.of(dtype, shape, d);
        }
    }

    /** A distribution of point elements: normal(mean, std) or uniform[low, high). */
    public static final class Generator {
        public enum Kind { NORMAL, UNIFORM }

        private final Kind kind;
        private final double a;
        private final double b;

        private Generator(Kind kind, double a, double b) {
            this.kind = kind;
            this.a = a;
            this.b = b;
        }

        public static Generator normal(double mean, double std) { return new Generator(Kind.NORMAL, mean, std); }
        public static Generator uniform(double low, double high) { return new Generator(Kind.UNIFORM, low, high); }

        public Kind kind() { return kind; }

        /**
         * One element. Normal: the polar method on the stream's doubles (our own, not
         * {@code nextGaussian}, whose algorithm may differ between JDKs). Uniform:
         * {@code low + (high - low) * u}.
         */
        double draw(SplittableRandom r) {
            if (kind == Kind.UNIFORM) {
                return a + (b - a) * r.nextDouble();
            }
            double v1;
            double v2;
            double s;
            do {
                v1 = 2 * r.nextDouble() - 1;
                v2 = 2 * r.nextDouble() - 1;
                s = v1 * v1 + v2 * v2;
            } while (s >= 1 || s == 0);
            return a + b * (v1 * Math.sqrt(-2 * Math.log(s) / s));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Generator && ((Generator) o).kind == kind && Double.compare(((Generator) o).a, a) == 0
                    && Double.compare(((Generator) o).b, b) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, a, b);
        }

        @Override
        public String toString() {
            return kind == Kind.NORMAL ? "normal(mean=" + a + ", std=" + b + ")" : "uniform(low=" + a + ", high=" + b + ")";
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AuditSpec(").append(name).append(", seed=").append(seed).append(", cases=");
        for (Case c : cases) {
            sb.append(' ').append(c.name).append(c.inputs.keySet()).append(c.expression != null ? "=" + c.expression
                    : " builder " + c.builder);
            for (Input in : c.inputs.values()) {
                sb.append(' ').append(Arrays.toString(in.shape)).append(in.dtype);
            }
        }
        return sb.append(')').toString();
    }
}
