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
    private final String expression;
    private final String builder;
    private final List<InputInfo> inputs;
    private final int nTests;
    private final String mode;
    private final long seed;
    private final Double eps;
    private final Double absTol;
    private final Double relTol;
    private final int coordinatesPerTest;
    private final long elementsChecked;
    private final Worst worst;
    private final long[] histogram;
    private final long timeMs;

    CaseReport(String name, Status status, String message, String expression, String builder, List<InputInfo> inputs,
            int nTests, String mode, long seed, Double eps, Double absTol, Double relTol, int coordinatesPerTest,
            long elementsChecked, Worst worst, long[] histogram, long timeMs) {
        this.name = name;
        this.status = status;
        this.message = message;
        this.expression = expression;
        this.builder = builder;
        this.inputs = List.copyOf(inputs);
        this.nTests = nTests;
        this.mode = mode;
        this.seed = seed;
        this.eps = eps;
        this.absTol = absTol;
        this.relTol = relTol;
        this.coordinatesPerTest = coordinatesPerTest;
        this.elementsChecked = elementsChecked;
        this.worst = worst;
        this.histogram = histogram == null ? null : histogram.clone();
        this.timeMs = timeMs;
    }

    public String name() { return name; }
    public Status status() { return status; }
    /** Why the case failed or errored; null for PASS. */
    public String message() { return message; }
    public String expression() { return expression; }
    public String builder() { return builder; }
    public List<InputInfo> inputs() { return inputs; }
    public int nTests() { return nTests; }
    public String mode() { return mode; }
    public long seed() { return seed; }
    /** The finite-difference step used; null when the case failed before it was known. */
    public Double eps() { return eps; }
    public Double absTol() { return absTol; }
    public Double relTol() { return relTol; }
    /** Elements (or fast-mode directions) per test; 0 when unknown. */
    public int coordinatesPerTest() { return coordinatesPerTest; }
    /** Comparisons made over all tests. */
    public long elementsChecked() { return elementsChecked; }
    /** The reported element; null for ERROR or when nothing was compared. */
    public Worst worst() { return worst; }
    /** Counts of log10(scaled error) per decade over all tests (see UnitResult); null for ERROR. */
    public long[] histogram() { return histogram == null ? null : histogram.clone(); }
    /** Driver preparation plus summed unit compute time; not part of {@link #equals}. */
    public long timeMs() { return timeMs; }

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
                && Objects.equals(expression, c.expression) && Objects.equals(builder, c.builder)
                && inputs.equals(c.inputs) && nTests == c.nTests && mode.equals(c.mode) && seed == c.seed
                && Objects.equals(eps, c.eps) && Objects.equals(absTol, c.absTol) && Objects.equals(relTol, c.relTol)
                && coordinatesPerTest == c.coordinatesPerTest && elementsChecked == c.elementsChecked
                && Objects.equals(worst, c.worst) && Arrays.equals(histogram, c.histogram);
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
