package org.gradaudit.core.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;

/**
 * Theano's {@code numeric_grad}: the gradient of a scalar function by one-sided finite
 * differences over every element of every input, with the dtype rules of the original (see
 * {@link Perturber} and {@link Tolerances}), plus its error measures.
 *
 * <p>{@code absRelErr(a, b)}: {@code abs = |a - b|}, {@code rel = abs / max(|a| + |b|, 1e-8)}.
 * {@code maxErr}: per element {@code min(abs / absTol, rel / relTol)}, which exceeds 1 exactly when
 * both tolerances are exceeded; the first maximum over all inputs is reported.
 */
public final class NumericGrad {
    private final List<NDArray> gf;
    private final double eps;
    private final DType working;

    /** Finite differences of {@code f} at {@code points}; {@code eps} null for the dtype default. */
    public NumericGrad(ScalarFunction f, List<NDArray> points, Double eps, DType outType) {
        if (points == null || points.isEmpty()) {
            throw new IllegalArgumentException("numeric grad needs at least one point");
        }
        for (int i = 0; i < points.size(); i++) {
            if (!points.get(i).dtype().isFloat()) {
                throw new IllegalArgumentException("numeric grad can work only with floating point inputs, but input "
                        + i + " has dtype \"" + points.get(i).dtype() + "\".");
            }
        }
        if (outType != null && !outType.isFloat()) {
            throw new IllegalArgumentException("outType must be a float dtype, got " + outType
                    + " (complex outputs are not supported)");
        }
        this.working = Tolerances.workingDType(points);
        this.eps = eps != null ? eps : Tolerances.defaultEps(points);
        if (!(this.eps > 0) || Double.isInfinite(this.eps)) {
            throw new IllegalArgumentException("eps must be positive and finite, got " + this.eps);
        }
        Perturber p = new Perturber(points, working, this.eps);
        NDArray f0 = f.apply(p.baseArgs());
        Perturber.scalar(f0);
        DType gType = outType != null ? outType : working;
        double[] gx = new double[p.total()];
        for (int i = 0; i < gx.length; i++) {
            gx[i] = gType.coerce(p.derivative((j, d) -> f.apply(p.shifted(j, d)), f0, i, false));
        }
        int[] off = p.offsets();
        List<NDArray> g = new ArrayList<>(points.size());
        for (int k = 0; k < points.size(); k++) {
            g.add(NDArray.wrap(gType, points.get(k).shape(), Arrays.copyOfRange(gx, off[k], off[k + 1])));
        }
        this.gf = Collections.unmodifiableList(g);
    }

    /**
     * Finite differences of a compiled single-output function; arguments are cast to its input
     * dtypes (Theano's {@code allow_input_downcast}).
     */
    public NumericGrad(Function f, List<NDArray> points, Double eps, DType outType) {
        this(args -> {
            NDArray[] cast = new NDArray[args.length];
            for (int k = 0; k < args.length; k++) {
                cast[k] = args[k].astype(f.program().inputType(k).dtype());
            }
            return f.call1(cast);
        }, points, eps, outType);
    }

    public NumericGrad(ScalarFunction f, List<NDArray> points) {
        this(f, points, null, null);
    }

    /** The numeric gradient, one array per input. */
    public List<NDArray> gf() { return gf; }

    public double eps() { return eps; }

    public DType workingDType() { return working; }

    /** Absolute and relative errors, elementwise. */
    public static final class AbsRel {
        private final NDArray abs;
        private final NDArray rel;

        AbsRel(NDArray abs, NDArray rel) {
            this.abs = abs;
            this.rel = rel;
        }

        public NDArray abs() { return abs; }
        public NDArray rel() { return rel; }
    }

    /** {@code |a - b|} in dtype d (NumPy rounding). */
    static double absErr(double a, double b, DType d) {
        return d.coerce(Math.abs(d.coerce(a - b)));
    }

    /** {@code abs / max(|a| + |b|, 1e-8)} in dtype d. */
    static double relErr(double abs, double a, double b, DType d) {
        return d.coerce(abs / Math.max(d.coerce(Math.abs(a) + Math.abs(b)), 1e-8));
    }

    /** Theano's {@code min(abs / absTol, rel / relTol)} in dtype d. */
    static double scaled(double abs, double rel, double absTol, double relTol, DType d) {
        return Math.min(d.coerce(abs / absTol), d.coerce(rel / relTol));
    }

    /** Elementwise errors of {@code a} against {@code b} (same shapes). */
    public static AbsRel absRelErr(NDArray a, NDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("absRelErr: shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " differ");
        }
        DType d = DType.upcast(a.dtype(), b.dtype());
        double[] abs = new double[a.size()];
        double[] rel = new double[a.size()];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = absErr(a.getFlat(i), b.getFlat(i), d);
            rel[i] = relErr(abs[i], a.getFlat(i), b.getFlat(i), d);
        }
        return new AbsRel(NDArray.wrap(d, a.shape(), abs), NDArray.wrap(d, a.shape(), rel));
    }

    /** Errors of each analytic gradient in {@code gPt} against {@link #gf()}. */
    public List<AbsRel> absRelErrors(List<NDArray> gPt) {
        if (gPt.size() != gf.size()) {
            throw new IllegalArgumentException("argument has wrong number of elements: " + gPt.size()
                    + " where " + gf.size() + " are expected");
        }
        List<AbsRel> r = new ArrayList<>(gf.size());
        for (int i = 0; i < gf.size(); i++) {
            if (!Arrays.equals(gPt.get(i).shape(), gf.get(i).shape())) {
                throw new IllegalArgumentException("argument element " + i + " has wrong shapes "
                        + Arrays.toString(gPt.get(i).shape()) + ", " + Arrays.toString(gf.get(i).shape()));
            }
            r.add(absRelErr(gPt.get(i), gf.get(i)));
        }
        return r;
    }

    /** Where the analytic gradient is furthest from the numeric one, relative to the tolerances. */
    public static final class MaxErr {
        private final int maxArg;
        private final int maxPos;
        private final double absErr;
        private final double relErr;
        private final double scaled;

        MaxErr(int maxArg, int maxPos, double absErr, double relErr, double scaled) {
            this.maxArg = maxArg;
            this.maxPos = maxPos;
            this.absErr = absErr;
            this.relErr = relErr;
            this.scaled = scaled;
        }

        public int maxArg() { return maxArg; }
        public int maxPos() { return maxPos; }
        public double absErr() { return absErr; }
        public double relErr() { return relErr; }
        /** {@code min(absErr / absTol, relErr / relTol)}: above 1 means both tolerances are exceeded. */
        public double scaled() { return scaled; }

        @Override
        public String toString() {
            return "MaxErr(arg=" + maxArg + ", pos=" + maxPos + ", abs=" + absErr + ", rel=" + relErr + ")";
        }
    }

    /**
     * Theano's {@code max_err}: the input and flat position with the largest scaled error (first
     * maximum), with its absolute and relative errors. Non-finite errors are an
     * {@link IllegalArgumentException} ("abs_err not finite" / "rel_err not finite").
     */
    public MaxErr maxErr(List<NDArray> gPt, double absTol, double relTol) {
        List<AbsRel> errs = absRelErrors(gPt);
        int bestArg = 0;
        int bestPos = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < errs.size(); k++) {
            NDArray abs = errs.get(k).abs();
            NDArray rel = errs.get(k).rel();
            DType d = abs.dtype();
            for (int i = 0; i < abs.size(); i++) {
                if (!Double.isFinite(abs.getFlat(i))) {
                    throw new IllegalArgumentException("abs_err not finite: " + abs);
                }
                if (!Double.isFinite(rel.getFlat(i))) {
                    throw new IllegalArgumentException("rel_err not finite: " + rel);
                }
            }
            for (int i = 0; i < abs.size(); i++) {
                double s = scaled(abs.getFlat(i), rel.getFlat(i), absTol, relTol, d);
                if (s > best) {
                    best = s;
                    bestArg = k;
                    bestPos = i;
                }
            }
        }
        if (best == Double.NEGATIVE_INFINITY) {
            return new MaxErr(0, 0, 0, 0, 0);
        }
        return new MaxErr(bestArg, bestPos, errs.get(bestArg).abs().getFlat(bestPos),
                errs.get(bestArg).rel().getFlat(bestPos), best);
    }
}
