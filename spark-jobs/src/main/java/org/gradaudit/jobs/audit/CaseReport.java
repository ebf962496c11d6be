package org.gradaudit.jobs.audit;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The result of one case (immutable). For PASS and FAIL the "worst" fields describe one element,
 * as Theano's {@code max_err} does: for FAIL the element {@code verify_grad} would raise on (the
 * worst element of the first failing test, or its first non-finite one); for PASS the element with
 * the largest scaled error over all tests. {@code maxAbsErr} and {@code maxRelErr} are that
 * element's errors (Theano's {@code max_abs_err}, {@code max_rel_err}); {@code scaledErr} is
 * {@code min(absErr / absTol, relErr / relTol)}, above 1 exactly when both tolerances are exceeded.
 *
 * <p>{@link #equals} compares everything except {@link #timeMs()}, bit for bit on doubles.
 */
public final class CaseReport implements Serializable {
    private static final long serialVersionUID = 1L;

    /** PASS: every test within tolerance; FAIL: some element exceeds both tolerances or is non-finite; ERROR: the case could not be built or run. */
    public enum Status { PASS, FAIL, ERROR }

    /** Name, shape and dtype of one input. */
    public static final class InputInfo implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final int[] shape;
        private final String dtype;

        public InputInfo(String name, int[] shape, String dtype) {
            this.name = name;
            this.shape = shape.clone();
            this.dtype = dtype;
        }

        public String name() { return name; }
        public int[] shape() { return shape.clone(); }
        public String dtype() { return dtype; }

        @Override
        public boolean equals(Object o) {
            return o instanceof InputInfo && ((InputInfo) o).name.equals(name)
                    && Arrays.equals(((InputInfo) o).shape, shape) && ((InputInfo) o).dtype.equals(dtype);
        }

        @Override
        public int hashCode() { return Objects.hash(name, Arrays.hashCode(shape), dtype); }
    }

    /** Where the reported element is and what was found there. */
    public static final class Worst implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int test;
        private final String input;
        private final int argument;
        private final int flatIndex;
        private final int[] index;
        private final int[] shape;
        private final double analytic;
        private final double numeric;
        private final double absErr;
        private final double relErr;
        private final double scaledErr;

        public Worst(int test, String input, int argument, int flatIndex, int[] index, int[] shape, double analytic,
                double numeric, double absErr, double relErr, double scaledErr) {
            this.test = test;
            this.input = input;
            this.argument = argument;
            this.flatIndex = flatIndex;
            this.index = index.clone();
            this.shape = shape.clone();
            this.analytic = analytic;
            this.numeric = numeric;
            this.absErr = absErr;
            this.relErr = relErr;
            this.scaledErr = scaledErr;
        }

        /** The test (random projection) the element was found in. */
        public int test() { return test; }
        /** The input's name (in fast mode: "random direction j"). */
        public String input() { return input; }
        /** The input's position (-1 in fast mode). */
        public int argument() { return argument; }
        /** The flat C-order position within the input (the direction number in fast mode). */
        public int flatIndex() { return flatIndex; }
        /** The multi-index within the input. */
        public int[] index() { return index.clone(); }
        /** The input's shape. */
        public int[] shape() { return shape.clone(); }
        /** The analytic (symbolic) gradient at the element (Theano's val1). */
        public double analytic() { return analytic; }
        /** The numeric (finite-difference) gradient at the element (Theano's val2). */
        public double numeric() { return numeric; }
        public double absErr() { return absErr; }
        public double relErr() { return relErr; }
        public double scaledErr() { return scaledErr; }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Worst)) {
                return false;
            }
            Worst w = (Worst) o;
            return test == w.test && input.equals(w.input) && argument == w.argument && flatIndex == w.flatIndex
                    && Arrays.equals(index, w.index) && Arrays.equals(shape, w.shape) && same(analytic, w.analytic)
                    && same(numeric, w.numeric) && same(absErr, w.absErr) && same(relErr, w.relErr)
                    && same(scaledErr, w.scaledErr);
        }

        @Override
        public int hashCode() { return Objects.hash(test, input, flatIndex, analytic, numeric); }
    }

    private final String name;
    private final Status status;
    private final String message;
    private final String kind;
    private final String definition;
    private final List<InputInfo> inputs;
    private final int nTests;
    private final String mode;
    private final long seed;
    private final Double eps;
    private final Double absTol;
    private final Double relTol;
    private final long elementsTotal;
    private final int coordinatesPerTest;
    private final long elementsChecked;
    private final Worst worst;
    private final Worst located;
    private final long[] histogram;
    private final double[] testScaled;
    private final List<String> warnings;
    private final long timeMs;

    private CaseReport(Builder b) {
        this.name = b.name;
        this.status = b.status;
        this.message = b.message;
        this.kind = b.kind;
        this.definition = b.definition;
        this.inputs = List.copyOf(b.inputs);
        this.nTests = b.nTests;
        this.mode = b.mode;
        this.seed = b.seed;
        this.eps = b.eps;
        this.absTol = b.absTol;
        this.relTol = b.relTol;
        this.elementsTotal = b.elementsTotal;
        this.coordinatesPerTest = b.coordinatesPerTest;
        this.elementsChecked = b.elementsChecked;
        this.worst = b.worst;
        this.located = b.located;
        this.histogram = b.histogram == null ? null : b.histogram.clone();
        this.testScaled = b.testScaled == null ? null : b.testScaled.clone();
        this.warnings = List.copyOf(b.warnings);
        this.timeMs = b.timeMs;
    }

    /** Assembles a report; every field but the identity has a default. */
    static final class Builder {
        private final String name;
        private final String kind;
        private final String definition;
        private final List<InputInfo> inputs;
        private final long seed;
        private Status status;
        private String message;
        private int nTests;
        private String mode;
        private Double eps;
        private Double absTol;
        private Double relTol;
        private long elementsTotal;
        private int coordinatesPerTest;
        private long elementsChecked;
        private Worst worst;
        private Worst located;
        private long[] histogram;
        private double[] testScaled;
        private List<String> warnings = List.of();
        private long timeMs;

        Builder(AuditSpec.Case spec, Status status, String message, List<InputInfo> inputs, long seed) {
            this(spec.name(), spec.kind().name().toLowerCase(java.util.Locale.ROOT), spec.definition(), status, message,
                    inputs, seed);
        }

        Builder(String name, String kind, String definition, Status status, String message, List<InputInfo> inputs,
                long seed) {
            this.name = name;
            this.kind = kind;
            this.definition = definition;
            this.status = status;
            this.message = message;
            this.inputs = inputs;
            this.seed = seed;
        }

        Builder status(Status s) { this.status = s; return this; }
        Builder message(String m) { this.message = m; return this; }

        Builder settings(int nTests, String mode, Double eps, Double absTol, Double relTol) {
            this.nTests = nTests;
            this.mode = mode;
            this.eps = eps;
            this.absTol = absTol;
            this.relTol = relTol;
            return this;
        }

        Builder elements(long total, int perTest, long checked) {
            this.elementsTotal = total;
            this.coordinatesPerTest = perTest;
            this.elementsChecked = checked;
            return this;
        }

        Builder worst(Worst w) { this.worst = w; return this; }
        Builder located(Worst w) { this.located = w; return this; }
        Builder histogram(long[] h) { this.histogram = h; return this; }
        Builder testScaled(double[] t) { this.testScaled = t; return this; }
        Builder warnings(List<String> w) { this.warnings = w; return this; }
        Builder timeMs(long t) { this.timeMs = t; return this; }

        CaseReport build() { return new CaseReport(this); }
    }

    public String name() { return name; }
    public Status status() { return status; }
    /** Why the case failed or errored; null for PASS. */
    public String message() { return message; }
    /** How the case was defined: expression, builder, op or graph. */
    public String kind() { return kind; }
    /** The expression, builder class, catalogue op name or graph file. */
    public String definition() { return definition; }
    public String expression() { return "expression".equals(kind) ? definition : null; }
    public String builder() { return "builder".equals(kind) ? definition : null; }
    public List<InputInfo> inputs() { return inputs; }
    public int nTests() { return nTests; }
    public String mode() { return mode; }
    public long seed() { return seed; }
    /** The finite-difference step used; null when the case failed before it was known. */
    public Double eps() { return eps; }
    public Double absTol() { return absTol; }
    public Double relTol() { return relTol; }
    /** Elements over all inputs. */
    public long elementsTotal() { return elementsTotal; }
    /** Elements (or fast-mode directions) compared per test after masks, sampling and the time budget; 0 when unknown. */
    public int coordinatesPerTest() { return coordinatesPerTest; }
    /** Comparisons made over all tests. */
    public long elementsChecked() { return elementsChecked; }
    /** The reported element (in fast mode: the direction); null for ERROR or when nothing was compared. */
    public Worst worst() { return worst; }
    /** Fast mode, failing: the element bisection located; null otherwise. */
    public Worst located() { return located; }
    /** Counts of log10(scaled error) per decade over all tests (see UnitResult); null for ERROR. */
    public long[] histogram() { return histogram == null ? null : histogram.clone(); }
    /** The largest scaled error of each test (NaN: a non-finite error); null for ERROR. */
    public double[] testScaledErrors() { return testScaled == null ? null : testScaled.clone(); }
    public Double scaledErrMin() { return stat(0); }
    public Double scaledErrMedian() { return stat(1); }
    public Double scaledErrMax() { return stat(2); }
    /** Planning notes and diagnostics: sampling, time budget, kinks and step sensitivity. */
    public List<String> warnings() { return warnings; }
    /** Driver preparation plus summed unit compute time; not part of {@link #equals}. */
    public long timeMs() { return timeMs; }

    private Double stat(int which) {
        if (testScaled == null || testScaled.length == 0) {
            return null;
        }
        double[] s = testScaled.clone();
        Arrays.sort(s);                                   // NaN sorts last: the max is NaN when a test was non-finite
        int n = s.length;
        switch (which) {
            case 0: return s[0];
            case 2: return s[n - 1];
            default: return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }
    }

    static boolean same(double a, double b) {
        return Double.compare(a, b) == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CaseReport)) {
            return false;
        }
        CaseReport c = (CaseReport) o;
        return name.equals(c.name) && status == c.status && Objects.equals(message, c.message)
                && Objects.equals(kind, c.kind) && Objects.equals(definition, c.definition)
                && inputs.equals(c.inputs) && nTests == c.nTests && Objects.equals(mode, c.mode) && seed == c.seed
                && Objects.equals(eps, c.eps) && Objects.equals(absTol, c.absTol) && Objects.equals(relTol, c.relTol)
                && elementsTotal == c.elementsTotal && coordinatesPerTest == c.coordinatesPerTest
                && elementsChecked == c.elementsChecked && Objects.equals(worst, c.worst)
                && Objects.equals(located, c.located) && Arrays.equals(histogram, c.histogram)
                && Arrays.equals(testScaled, c.testScaled) && warnings.equals(c.warnings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, status, message, worst);
    }

    @Override
    public String toString() {
        return "CaseReport(" + name + " " + status + (message == null ? "" : ": " + message) + ")";
    }
}
