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
import org.gradaudit.core.catalog.CatalogEntry;
import org.gradaudit.core.catalog.InputDomain;
import org.gradaudit.core.catalog.OpCatalog;
import org.gradaudit.core.check.Streams;
import org.gradaudit.core.check.SymbolicFunction;

/**
 * A parsed and validated audit spec (immutable). The format is documented in {@code docs/SPEC.md};
 * in short: a name, a seed, check defaults and a list of cases, each defined by an expression over
 * named inputs, a catalogue op ({@code "op"}, or {@code "sweep"} entries that expand to one case per
 * op x shape set x dtype), a user {@link org.gradaudit.core.check.GraphBuilder} class, or a
 * portable graph file ({@link org.gradaudit.core.io.GraphJson}).
 *
 * <p>Points are generated on the driver from (spec seed, case name, input name, input seed) alone
 * (see {@link Input#generate}), read from {@code .npy} files, or, for catalogue ops, drawn from the
 * entry's audit domains.
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

    /** Reads and validates a spec file with the default {@link SpecOptions}; errors name the file and the field. */
    public static AuditSpec read(Path file) {
        return read(file, SpecOptions.DEFAULTS);
    }

    /** Reads and validates a spec file; errors name the file (by its file name) and the field. */
    public static AuditSpec read(Path file, SpecOptions options) {
        String label = label(file);
        return new AuditSpecParser(label, contextLoader(), file.toAbsolutePath().getParent(), options)
                .parse(readText(file, label));
    }

    /** A spec file's name, as errors name it. */
    public static String label(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    /**
     * The text of a spec file (UTF-8); a missing, unreadable or oversized file (over 64 MiB) or a
     * directory is a {@link SpecException} naming it.
     */
    public static String readText(Path file, String label) {
        try {
            if (Files.isDirectory(file)) {
                throw new SpecException(label, "", "cannot read " + file.toAbsolutePath() + ": it is a directory;"
                        + " expected a JSON file");
            }
            if (Files.isRegularFile(file) && Files.size(file) > MAX_SPEC_BYTES) {
                throw new SpecException(label, "", file.toAbsolutePath() + " is " + Files.size(file)
                        + " bytes; a spec file may have at most " + MAX_SPEC_BYTES + " (points belong in .npy files)");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(label, "", "no such file: " + file.toAbsolutePath());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SpecException(label, "", "cannot read " + file.toAbsolutePath() + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new SpecException(label, "", "cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    /** The largest spec file read. */
    public static final long MAX_SPEC_BYTES = 64L << 20;

    private static ClassLoader contextLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : AuditSpec.class.getClassLoader();
    }

    /** Parses spec text; {@code label} names it in error messages. Paths are relative to the working directory. */
    public static AuditSpec parse(String json, String label) {
        return parse(json, label, null, SpecOptions.DEFAULTS);
    }

    /**
     * Parses the function part of another job's spec: a JSON object that is an audit case without
     * {@code "name"} (given as {@code name}), e.g. {@code {"expression": "tanh(x)", "inputs": {...}}},
     * {@code {"builder": ...}}, {@code {"graph": ...}} or {@code {"op": ...}}. Errors name
     * {@code file} and the field under {@code path}; graph and {@code .npy} files are relative to
     * {@code baseDir} (null: the working directory). Builders load from the context class loader.
     */
    public static Case parseFunction(String file, Path baseDir, String path, String name,
            com.fasterxml.jackson.databind.JsonNode node) {
        return parseFunction(file, baseDir, path, name, node, SpecOptions.DEFAULTS);
    }

    /** As {@link #parseFunction(String, Path, String, String, com.fasterxml.jackson.databind.JsonNode)}, with options. */
    public static Case parseFunction(String file, Path baseDir, String path, String name,
            com.fasterxml.jackson.databind.JsonNode node, SpecOptions options) {
        return new AuditSpecParser(file, contextLoader(), baseDir, options).function(node, path, name);
    }

    /**
     * Parses spec text whose relative paths ({@code .npy} and graph files) resolve against
     * {@code baseDir} (null: the working directory); {@code label} names it in error messages.
     */
    public static AuditSpec parse(String json, String label, Path baseDir) {
        return parse(json, label, baseDir, SpecOptions.DEFAULTS);
    }

    /** As {@link #parse(String, String, Path)}, with options. */
    public static AuditSpec parse(String json, String label, Path baseDir, SpecOptions options) {
        return new AuditSpecParser(label, contextLoader(), baseDir, options).parse(json);
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

    /** The same spec with only the cases {@code keep} accepts, in spec order (the nightly's rotating-seed subset). */
    public AuditSpec filter(java.util.function.Predicate<Case> keep) {
        List<Case> kept = new ArrayList<>();
        for (Case c : cases) {
            if (keep.test(c)) {
                kept.add(c);
            }
        }
        return new AuditSpec(source, name, seed, defaults, kept);
    }

    /** How a case's graph is defined. */
    public enum Kind { EXPRESSION, BUILDER, OP, GRAPH }

    /** One case: a graph over named inputs, and how to check it. */
    public static final class Case {
        private final String name;
        private final Kind kind;
        private final String definition;
        private final Map<String, Input> inputs;
        private final CheckSettings check;
        private final Map<String, int[]> masks;
        private final transient SymbolicFunction function;

        Case(String name, Kind kind, String definition, LinkedHashMap<String, Input> inputs, CheckSettings check,
                Map<String, int[]> masks, SymbolicFunction function) {
            this.name = name;
            this.kind = kind;
            this.definition = definition;
            this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
            this.check = check;
            this.masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
            this.function = function;
        }

        Case(String name, String expression, String builder, LinkedHashMap<String, Input> inputs, CheckSettings check) {
            this(name, expression != null ? Kind.EXPRESSION : Kind.BUILDER, expression != null ? expression : builder,
                    inputs, check, Map.of(), null);
        }

        public String name() { return name; }
        public Kind kind() { return kind; }
        /** The expression, the builder class, the catalogue op name or the graph file, by {@link #kind()}. */
        public String definition() { return definition; }
        /** The expression, or null for other kinds. */
        public String expression() { return kind == Kind.EXPRESSION ? definition : null; }
        /** The builder's class name, or null for other kinds. */
        public String builder() { return kind == Kind.BUILDER ? definition : null; }
        /** The inputs in declaration order. */
        public Map<String, Input> inputs() { return inputs; }
        public List<String> inputNames() { return new ArrayList<>(inputs.keySet()); }
        /** The effective settings (defaults merged with the case's overrides). */
        public CheckSettings check() { return check; }
        /** Explicit flat element indices to check, by input name (sorted, distinct); inputs not named: all or sampled. */
        public Map<String, int[]> masks() { return masks; }
        /** The function of a catalogue op or a graph file (built on the driver); null for expressions and builders. */
        SymbolicFunction function() { return function; }

        /**
         * The case's graph as a function of its symbolic inputs, whatever its kind: the parsed
         * expression, a new instance of the builder class, or the op's / graph file's function.
         */
        public SymbolicFunction symbolicFunction() {
            switch (kind) {
                case EXPRESSION: {
                    List<String> names = inputNames();
                    String text = definition;
                    return vars -> {
                        Map<String, org.gradaudit.core.Variable> m = new LinkedHashMap<>();
                        for (int i = 0; i < names.size(); i++) {
                            m.put(names.get(i), vars.get(i));
                        }
                        return org.gradaudit.core.io.ExpressionParser.parse(text, m);
                    };
                }
                case BUILDER:
                    return AuditJob.builder(definition);
                default:
                    return function;
            }
        }

        /** One symbolic input per declared input, in order, as the audit makes them (size-1 axes broadcastable). */
        public List<org.gradaudit.core.Variable> symbolicInputs() {
            List<org.gradaudit.core.Variable> r = new ArrayList<>();
            for (Map.Entry<String, Input> e : inputs.entrySet()) {
                r.add(AuditSpecParser.symbolicInput(e.getKey(), e.getValue()));
            }
            return r;
        }

        /** The same case under another name (sweep expansion). */
        Case named(String n) {
            return new Case(n, kind, definition, new LinkedHashMap<>(inputs), check, masks, function);
        }
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
            if (generator.fixed != null) {
                return generator.fixed;
            }
            SplittableRandom r = Streams.stream(specSeed, Streams.caseKey(caseName + "/" + inputName), seed,
                    Streams.POINT);
            double[] d = new double[NDArray.sizeOf(shape)];
            if (generator.domain != null) {
                return generator.domain.sample(r, dtype, shape);
            }
            if (generator.kind == Generator.Kind.DOMAIN) {
                CatalogEntry e = OpCatalog.get(generator.origin);
                return OpCatalog.points(e, (int) generator.a, dtype, specSeed).get((int) generator.b);
            }
            for (int i = 0; i < d.length; i++) {
                d[i] = generator.draw(r);
            }
            return NDArray.of(dtype, shape, d);
        }
    }

    /**
     * A distribution of point elements: normal(mean, std), uniform[low, high), a catalogue entry's
     * audit domain, or fixed values (an {@code .npy} file, or a catalogue sweep's points).
     */
    public static final class Generator {
        public enum Kind { NORMAL, UNIFORM, DOMAIN, FIXED }

        private final Kind kind;
        private final double a;
        private final double b;
        final InputDomain domain;
        final NDArray fixed;
        private final String origin;

        private Generator(Kind kind, double a, double b, InputDomain domain, NDArray fixed, String origin) {
            this.kind = kind;
            this.a = a;
            this.b = b;
            this.domain = domain;
            this.fixed = fixed;
            this.origin = origin;
        }

        public static Generator normal(double mean, double std) { return new Generator(Kind.NORMAL, mean, std, null, null, null); }
        public static Generator uniform(double low, double high) { return new Generator(Kind.UNIFORM, low, high, null, null, null); }
        public static Generator domain(InputDomain d) { return new Generator(Kind.DOMAIN, 0, 0, d, null, null); }
        /** Fixed values; {@code origin} says where they come from (a file, a catalogue entry). */
        public static Generator fixed(NDArray values, String origin) { return new Generator(Kind.FIXED, 0, 0, null, values, origin); }
        /** Input {@code index} of catalogue entry {@code op}'s points for shape set {@code shapeSet} ({@code OpCatalog.points}). */
        public static Generator catalog(String op, int shapeSet, int index) {
            return new Generator(Kind.DOMAIN, shapeSet, index, null, null, op);
        }

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
                    && Double.compare(((Generator) o).b, b) == 0 && Objects.equals(((Generator) o).domain, domain)
                    && Objects.equals(((Generator) o).fixed, fixed) && Objects.equals(((Generator) o).origin, origin);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, a, b);
        }

        @Override
        public String toString() {
            switch (kind) {
                case NORMAL: return "normal(mean=" + a + ", std=" + b + ")";
                case UNIFORM: return "uniform(low=" + a + ", high=" + b + ")";
                case DOMAIN: return domain != null ? "domain " + domain : "catalogue points of " + origin + " #" + (int) a;
                default: return "values from " + origin;
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AuditSpec(").append(name).append(", seed=").append(seed).append(", cases=");
        for (Case c : cases) {
            sb.append(' ').append(c.name).append(c.inputs.keySet()).append(' ').append(c.kind).append(' ')
                    .append(c.definition);
            for (Input in : c.inputs.values()) {
                sb.append(' ').append(Arrays.toString(in.shape)).append(in.dtype);
            }
        }
        return sb.append(')').toString();
    }
}
