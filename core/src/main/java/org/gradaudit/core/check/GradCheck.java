package org.gradaudit.core.check;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.compile.Compiler;
import org.gradaudit.core.compile.Program;

/**
 * One gradient check, prepared and split into independent work units. Preparation follows
 * Theano's verify_grad: symbolic inputs typed from the points, the output {@code o = fn(inputs)},
 * one random projection {@code r ~ U[0.5, 1.5)} of o's shape per test, the cost
 * {@code c = sum(r * o)} and its symbolic gradient (disconnected inputs ignored). Both are compiled
 * to {@link Program}s with r as an extra input; the object is serializable and is what a cluster
 * ships to executors.
 *
 * <p>A unit {@link #run(int, int, int)} covers one test and a range of coordinates (the flat
 * positions over all inputs; in {@link CheckMode#FAST}, a range of random input directions). It
 * is a pure function of this object and its arguments, so the single-JVM {@link VerifyGrad} and a
 * distributed job that runs the same units and {@link UnitResult#merge merges} them get
 * bit-identical results.
 */
public final class GradCheck implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String caseName;
    private final long caseKey;
    private final Program cost;
    private final Program grads;
    private final NDArray[] points;
    private final String[] inputNames;
    private final NDArray[] projections;
    private final DType working;
    private final double eps;
    private final double absTol;
    private final double relTol;
    private final CheckMode mode;
    private final int nProjections;
    private final long seed;
    private final int[] offsets;
    private transient Perturber perturber;
    private transient volatile AtPoint[] atPoint;      // per test, computed once per JVM (see atPoint)

    /**
     * What every unit of a test starts from: the analytic gradients and the evaluation at the
     * point. The snapshot is held softly: the collector may take it back under memory pressure
     * (many cases on one executor), and units then evaluate the point themselves.
     */
    private static final class AtPoint {
        final NDArray[] gradients;
        final java.lang.ref.SoftReference<Program.Snapshot> base;   // null: too big to keep, or fast mode

        AtPoint(NDArray[] gradients, Program.Snapshot base) {
            this.gradients = gradients;
            this.base = base == null ? null : new java.lang.ref.SoftReference<>(base);
        }

        Program.Snapshot base() {
            return base == null ? null : base.get();
        }
    }

    /** Snapshots of the evaluation at the point above this many bytes are not kept between units. */
    static final long MAX_KEPT_SNAPSHOT_BYTES = 64L << 20;

    private GradCheck(String caseName, long caseKey, Program cost, Program grads, NDArray[] points,
            String[] inputNames, NDArray[] projections, DType working, double eps, double absTol, double relTol,
            CheckMode mode, int nProjections, long seed) {
        this.caseName = caseName;
        this.caseKey = caseKey;
        this.cost = cost;
        this.grads = grads;
        this.points = points;
        this.inputNames = inputNames;
        this.projections = projections;
        this.working = working;
        this.eps = eps;
        this.absTol = absTol;
        this.relTol = relTol;
        this.mode = mode;
        this.nProjections = nProjections;
        this.seed = seed;
        this.offsets = perturber().offsets();
    }

    /** Prepares a check with inputs named "input 0", "input 1", ... (Theano's names). */
    public static GradCheck prepare(String caseName, SymbolicFunction fn, List<NDArray> points, VerifyOptions o) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < (points == null ? 0 : points.size()); i++) {
            names.add("input " + i);
        }
        return prepare(caseName, fn, points, names, o);
    }

    /**
     * Prepares a check of {@code fn} at {@code points}. Errors: no points, a non-float point,
     * {@code fn} returning null or a non-tensor.
     */
    public static GradCheck prepare(String caseName, SymbolicFunction fn, List<NDArray> points, List<String> names,
            VerifyOptions o) {
        if (points == null || points.isEmpty()) {
            throw new IllegalArgumentException("verifyGrad needs a non-empty list of points");
        }
        if (names.size() != points.size()) {
            throw new IllegalArgumentException(names.size() + " input names for " + points.size() + " points");
        }
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i) == null) {
                throw new IllegalArgumentException("point " + i + " is null");
            }
            if (!points.get(i).dtype().isFloat()) {
                throw new IllegalArgumentException("verify_grad can work only with floating point inputs, but input "
                        + i + " has dtype \"" + points.get(i).dtype() + "\".");
            }
        }
        double absTol = o.absTol() != null ? o.absTol() : Tolerances.defaultTol(points);
        double relTol = o.relTol() != null ? o.relTol() : Tolerances.defaultTol(points);
        double eps = o.eps() != null ? o.eps() : Tolerances.defaultEps(points);
        List<Variable> inputs = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            inputs.add(TensorType.ofValue(points.get(i)).make(names.get(i)));
        }
        Variable out = fn.apply(inputs);
        if (out == null) {
            throw new IllegalArgumentException("the function to check returned null instead of a variable");
        }
        if (!out.isTensor()) {
            throw new IllegalArgumentException("the function to check returned " + out + " of type " + out.type()
                    + "; a single tensor output is required (multiple outputs are not supported)");
        }
        NDArray[] pts = points.toArray(new NDArray[0]);
        NDArray value = Compiler.compile(inputs, List.of(out)).run(pts)[0];
        boolean f32 = o.castToOutputType() && out.dtype() == DType.FLOAT32;
        DType rType = f32 ? DType.FLOAT32 : DType.FLOAT64;
        long caseKey = Streams.caseKey(caseName);
        NDArray[] projections = new NDArray[o.nTests()];
        for (int t = 0; t < projections.length; t++) {
            RandomGenerator g = o.rng() != null ? o.rng() : Streams.stream(o.seed(), caseKey, t, Streams.PROJECTION);
            double[] r = new double[value.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = g.nextDouble() + 0.5;
            }
            projections[t] = NDArray.of(rType, value.shape(), r);
        }
        Variable r = T.tensor(rType, out.ndim(), "random_projection");
        Variable c = T.sum(T.mul(r, out));
        List<Variable> costInputs = new ArrayList<>(inputs);
        costInputs.add(r);
        List<Variable> g = Gradient.grad(c, inputs,
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        Program costProgram = Compiler.compile(costInputs, List.of(c));
        Program gradProgram = Compiler.compile(costInputs, g);
        return new GradCheck(caseName, caseKey, costProgram, gradProgram, pts, names.toArray(new String[0]),
                projections, Tolerances.workingDType(points), eps, absTol, relTol, o.mode(), o.nProjections(), o.seed());
    }

    private Perturber perturber() {
        if (perturber == null) {
            perturber = new Perturber(Arrays.asList(points), Tolerances.workingDType(Arrays.asList(points)), eps);
        }
        return perturber;
    }

    public String caseName() { return caseName; }
    public int nTests() { return projections.length; }
    public CheckMode mode() { return mode; }
    public double eps() { return eps; }
    public double absTol() { return absTol; }
    public double relTol() { return relTol; }
    public DType workingDType() { return working; }
    public long seed() { return seed; }

    /** The size of a test's coordinate space: all input elements, or the directions in fast mode. */
    public int nCoordinates() {
        return mode == CheckMode.FAST ? nProjections : offsets[offsets.length - 1];
    }

    public int nInputs() { return points.length; }
    public String inputName(int k) { return inputNames[k]; }
    public int[] inputShape(int k) { return points[k].shape(); }
    public NDArray point(int k) { return points[k]; }

    /** The input holding flat coordinate {@code flat} (full modes). */
    public int argOf(int flat) { return perturber().argOf(flat); }

    /** The position of flat coordinate {@code flat} within its input. */
    public int posOf(int flat) { return flat - offsets[argOf(flat)]; }

    /** Cost evaluations one unit of {@code n} coordinates makes (for planning). */
    public long evaluationsPerUnit(int n) {
        return 2 + (long) n * (mode == CheckMode.THEANO ? 1 : 2);
    }

    /** The arguments cast to the input dtypes (Theano's allow_input_downcast), then the projection. */
    private NDArray[] withProjection(NDArray[] args, int test) {
        NDArray[] a = new NDArray[args.length + 1];
        for (int k = 0; k < args.length; k++) {
            a[k] = args[k].astype(points[k].dtype());
        }
        a[args.length] = projections[test];
        return a;
    }

    /** The analytic gradients at the point for one test (one array per input). */
    public NDArray[] analytic(int test) {
        return atPoint(test).gradients.clone();
    }

    /**
     * The analytic gradients and (full modes) the evaluation at the point of test {@code test},
     * computed by the first unit of that test in this JVM and kept for the next ones (every unit
     * would compute the same values): units can then be small without each paying for the
     * gradient. Snapshots above {@link #MAX_KEPT_SNAPSHOT_BYTES} are not kept.
     */
    private AtPoint atPoint(int test) {
        AtPoint[] all = atPoint;
        if (all == null) {
            synchronized (this) {
                if (atPoint == null) {
                    atPoint = new AtPoint[projections.length];
                }
                all = atPoint;
            }
        }
        AtPoint a = all[test];
        if (a == null) {
            synchronized (this) {
                a = all[test];
                if (a == null) {
                    NDArray[] g = grads.run(withProjection(points, test));
                    Program.Snapshot base = null;
                    if (mode != CheckMode.FAST) {
                        base = cost.evaluate(withProjection(perturber().baseArgs(), test));
                        if (base.bytes() > MAX_KEPT_SNAPSHOT_BYTES) {
                            base = null;
                        }
                    }
                    a = new AtPoint(g, base);
                    all[test] = a;
                }
            }
        }
        return a;
    }

    /** Compares coordinates {@code [lo, hi)} of test {@code test}. */
    public UnitResult run(int test, int lo, int hi) {
        return run(test, null, lo, hi);
    }

    /**
     * A unit over a selection of coordinates. Full modes: compares the flat coordinates
     * {@code coords[lo..hi)} (ascending flat positions over all inputs; null means all, i.e.
     * coordinate j is j). Fast mode: directions {@code [lo, hi)}, each zero outside {@code coords}
     * (null: every coordinate). Same numbers as {@link #run(int, int, int)} on the same coordinates.
     */
    public UnitResult run(int test, int[] coords, int lo, int hi) {
        if (test < 0 || test >= projections.length) {
            throw new IllegalArgumentException("test " + test + " out of range [0, " + projections.length + ")");
        }
        int n = mode == CheckMode.FAST || coords == null ? nCoordinates() : coords.length;
        if (lo < 0 || hi > n || lo > hi) {
            throw new IllegalArgumentException("coordinates [" + lo + ", " + hi + ") out of range [0, " + n + ")");
        }
        UnitResult.Builder b = new UnitResult.Builder(test);
        if (lo == hi) {
            return b.build();
        }
        Perturber p = perturber();
        NDArray[] g = analytic(test);
        if (mode == CheckMode.FAST) {
            runFast(b, p, args -> cost.run(withProjection(args, test))[0], g, test, lo, hi, support(coords));
            return b.build();
        }
        // one full evaluation at the point, then each perturbation recomputes only what depends
        // on the perturbed element (bit-identical to a full run)
        Program.Snapshot kept = atPoint(test).base();
        Program.Snapshot base = kept != null ? kept : cost.evaluate(withProjection(p.baseArgs(), test));
        Program.Reruns reruns = cost.reruns(base);          // this unit's working copies
        NDArray f0 = base.outputs()[0];
        Perturber.Scratch scratch = p.new Scratch();       // this unit's own copies: units may run concurrently
        Perturber.Shifted at = (i, d) -> {
            int k = p.argOf(i);
            try {
                return reruns.rerun(k, scratch.shifted(i, d).astype(points[k].dtype()), new int[] {i - offsets[k]})[0];
            } finally {
                scratch.restore(i);
            }
        };
        boolean central = mode == CheckMode.CENTRAL;
        for (int j = lo; j < hi; j++) {
            int i = coords == null ? j : coords[j];
            int k = p.argOf(i);
            double a = g[k].getFlat(i - offsets[k]);
            double n2 = p.derivative(at, f0, i, central);
            record(b, i, a, n2, DType.upcast(g[k].dtype(), working));
        }
        return b.build();
    }

    /**
     * Fast-mode directions {@code [lo, hi)} of test {@code test} restricted to the coordinates where
     * {@code support} is true (u is drawn from the same stream and zeroed elsewhere, so the
     * restricted checks of a partition of the coordinates sum to the full one up to rounding).
     * Localization bisects with it. Fast mode only.
     */
    public UnitResult runDirections(int test, int lo, int hi, boolean[] support) {
        if (mode != CheckMode.FAST) {
            throw new IllegalStateException("restricted directions are a fast-mode check; this case uses " + mode);
        }
        if (support != null && support.length != offsets[offsets.length - 1]) {
            throw new IllegalArgumentException("support has " + support.length + " entries for "
                    + offsets[offsets.length - 1] + " coordinates");
        }
        UnitResult.Builder b = new UnitResult.Builder(test);
        NDArray[] g = analytic(test);
        runFast(b, perturber(), args -> cost.run(withProjection(args, test))[0], g, test, lo, hi, support);
        return b.build();
    }

    /** The number of elements over all inputs (the coordinate space of the full modes). */
    public int nElements() {
        return offsets[offsets.length - 1];
    }

    /** The flat position where input {@code k} starts. */
    public int offsetOf(int k) {
        return offsets[k];
    }

    /**
     * One element's analytic partial derivative and its finite difference with step {@code step}
     * (one-sided, or central), in test {@code test}'s cost: {@code {analytic, numeric}}. Used on the
     * driver to name the element fast mode located and to re-check worst elements at other steps.
     */
    public double[] element(int test, int flat, double step, boolean central) {
        if (flat < 0 || flat >= nElements()) {
            throw new IllegalArgumentException("element " + flat + " out of range [0, " + nElements() + ")");
        }
        Perturber p = new Perturber(Arrays.asList(points), working, step);
        NDArray[] g = analytic(test);
        int k = p.argOf(flat);
        NDArray f0 = cost.run(withProjection(p.baseArgs(), test))[0];
        double n = p.derivative((i, d) -> cost.run(withProjection(p.shifted(i, d), test))[0], f0, flat, central);
        return new double[] {g[k].getFlat(flat - offsets[k]), n};
    }

    /** {@code |a - n|}, its relative error and the scaled error, as the check compares them. */
    public double[] compare(double a, double n) {
        double abs = NumericGrad.absErr(a, n, working);
        double rel = NumericGrad.relErr(abs, a, n, working);
        return new double[] {abs, rel, NumericGrad.scaled(abs, rel, absTol, relTol, working)};
    }

    private boolean[] support(int[] coords) {
        if (coords == null) {
            return null;
        }
        boolean[] s = new boolean[nElements()];
        for (int c : coords) {
            s[c] = true;
        }
        return s;
    }

    private void record(UnitResult.Builder b, int index, double a, double n, DType d) {
        double abs = NumericGrad.absErr(a, n, d);
        double rel = NumericGrad.relErr(abs, a, n, d);
        b.add(index, a, n, abs, rel, NumericGrad.scaled(abs, rel, absTol, relTol, d));
    }

    /**
     * Fast mode, direction j: u ~ N(0, 1) over all input elements (its own stream), compared as
     * {@code (c(x + eps u) - c(x - eps u)) / (2 eps)} against {@code <grad c, u>}.
     */
    private void runFast(UnitResult.Builder b, Perturber p, ScalarFunction c, NDArray[] g, int test, int lo, int hi,
            boolean[] support) {
        NDArray[] base = p.baseArgs();
        for (int j = lo; j < hi; j++) {
            SplittableRandom rnd = Streams.stream(seed, caseKey, (long) test * 1_000_003L + j, Streams.DIRECTION);
            NDArray[] up = new NDArray[base.length];
            NDArray[] down = new NDArray[base.length];
            double directional = 0;
            for (int k = 0; k < base.length; k++) {
                double[] x = base[k].unsafeData();
                double[] u = new double[x.length];
                double[] xu = new double[x.length];
                double[] xd = new double[x.length];
                double[] gk = g[k].unsafeData();
                for (int i = 0; i < x.length; i++) {
                    u[i] = gaussian(rnd);
                    if (support != null && !support[offsets[k] + i]) {
                        u[i] = 0;               // drawn anyway, so every direction keeps its stream
                    }
                    xu[i] = working.coerce(x[i] + eps * u[i]);
                    xd[i] = working.coerce(x[i] - eps * u[i]);
                    directional += gk[i] * u[i];
                }
                up[k] = NDArray.wrap(working, base[k].shape(), xu);
                down[k] = NDArray.wrap(working, base[k].shape(), xd);
            }
            NDArray fu = c.apply(up);
            NDArray fd = c.apply(down);
            DType cd = fu.dtype();
            double n = working.coerce(cd.coerce(cd.coerce(Perturber.scalar(fu) - Perturber.scalar(fd)) / (2 * eps)));
            record(b, j, directional, n, working);
        }
    }

    /** A standard normal from the stream (polar method; deterministic for a given stream). */
    private static double gaussian(SplittableRandom r) {
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * r.nextDouble() - 1;
            v2 = 2 * r.nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        return v1 * Math.sqrt(-2 * Math.log(s) / s);
    }

    /** The verdict of one test from its merged unit results. */
    public TestOutcome outcome(UnitResult merged) {
        boolean nonFinite = merged.nonFiniteCount() > 0;
        boolean fail = nonFinite || (merged.worstIndex() >= 0 && merged.worstAbs() > absTol && merged.worstRel() > relTol);
        return new TestOutcome(merged, !fail);
    }

    /** The error a failing test raises in {@link VerifyGrad}, located at its input and position. */
    public GradientError error(TestOutcome t) {
        UnitResult u = t.result();
        boolean nonFinite = u.nonFiniteCount() > 0;
        int index = nonFinite ? u.nonFiniteIndex() : u.worstIndex();
        double a = nonFinite ? u.nonFiniteAnalytic() : u.worstAnalytic();
        double n = nonFinite ? u.nonFiniteNumeric() : u.worstNumeric();
        double abs = nonFinite ? Math.abs(a - n) : u.worstAbs();
        double rel = nonFinite ? Double.NaN : u.worstRel();
        if (mode == CheckMode.FAST) {
            return new GradientError(-1, index, new int[] {nProjections}, a, n, abs, rel, absTol, relTol,
                    "random direction " + index, u.test());
        }
        int k = argOf(index);
        return new GradientError(k, index - offsets[k], points[k].shape(), a, n, abs, rel, absTol, relTol,
                inputNames[k], u.test());
    }

    /** A test's merged result and whether it passed. */
    public static final class TestOutcome implements Serializable {
        private static final long serialVersionUID = 1L;
        private final UnitResult result;
        private final boolean passed;

        TestOutcome(UnitResult result, boolean passed) {
            this.result = result;
            this.passed = passed;
        }

        public UnitResult result() { return result; }
        public boolean passed() { return passed; }
    }
}
