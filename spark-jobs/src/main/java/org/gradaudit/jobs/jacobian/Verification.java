package org.gradaudit.jobs.jacobian;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.check.NumericGrad;
import org.gradaudit.core.check.Streams;
import org.gradaudit.core.check.Tolerances;
import org.gradaudit.jobs.jacobian.JacobianJob.Layout;
import org.gradaudit.jobs.jacobian.JacobianJob.Mode;
import org.gradaudit.jobs.jacobian.JacobianJob.Payload;
import org.gradaudit.jobs.jacobian.JacobianJob.Shipped;

/**
 * {@code --verify N}: N rows (rows mode) or columns (columns mode) of J, drawn without replacement
 * from the stream {@code Streams.stream(seed, caseKey(name), 0, SAMPLE)}, against central finite
 * differences {@code (y(x + eps e_j) - y(x - eps e_j)) / (2 eps)} (the point in the working dtype,
 * the step and tolerances from Theano's dtype tables unless the spec's {@code "verify"} gives them,
 * exactly as the audit's {@code central} mode). The analytic lines are recomputed on the executors
 * by the same block programs (blocks of one line). Rows need every column of differences: the 2n
 * perturbed evaluations are split in chunks over the executors and each returns only the sampled
 * rows; a sampled column needs two evaluations. Errors are Theano's {@code max_err}:
 * {@code abs = |a - b|}, {@code rel = abs / max(|a| + |b|, 1e-8)}, scaled
 * {@code min(abs / absTol, rel / relTol)}; the verification fails when the largest scaled error
 * exceeds 1 (both tolerances exceeded at one element) or an error is not finite.
 */
public final class Verification implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String lines;
    private final int[] sampled;
    private final double eps;
    private final double absTol;
    private final double relTol;
    private final long elements;
    private final long row;
    private final long col;
    private final double analytic;
    private final double numeric;
    private final double absErr;
    private final double relErr;
    private final double scaled;
    private final double maxAbsErr;
    private final double maxRelErr;
    private final boolean passed;
    private final String message;

    Verification(String lines, int[] sampled, double eps, double absTol, double relTol, long elements, long row,
            long col, double analytic, double numeric, double absErr, double relErr, double scaled, double maxAbsErr,
            double maxRelErr, boolean passed, String message) {
        this.lines = lines;
        this.sampled = sampled.clone();
        this.eps = eps;
        this.absTol = absTol;
        this.relTol = relTol;
        this.elements = elements;
        this.row = row;
        this.col = col;
        this.analytic = analytic;
        this.numeric = numeric;
        this.absErr = absErr;
        this.relErr = relErr;
        this.scaled = scaled;
        this.maxAbsErr = maxAbsErr;
        this.maxRelErr = maxRelErr;
        this.passed = passed;
        this.message = message;
    }

    /** "rows" or "columns". */
    public String lines() { return lines; }
    /** The sampled row (or column) indices, ascending. */
    public int[] sampled() { return sampled.clone(); }
    public double eps() { return eps; }
    public double absTol() { return absTol; }
    public double relTol() { return relTol; }
    /** Elements of J compared. */
    public long elements() { return elements; }
    /** Position of the largest scaled error (Theano's max_err). */
    public long row() { return row; }
    public long col() { return col; }
    public double analytic() { return analytic; }
    public double numeric() { return numeric; }
    public double absErr() { return absErr; }
    public double relErr() { return relErr; }
    public double scaled() { return scaled; }
    /** The largest absolute and relative errors anywhere in the sample. */
    public double maxAbsErr() { return maxAbsErr; }
    public double maxRelErr() { return maxRelErr; }
    public boolean passed() { return passed; }
    /** Why it failed, or null. */
    public String message() { return message; }

    /**
     * {@code count} distinct indices in [0, total), ascending, from the seeded stream (Floyd's
     * algorithm: the sample depends only on the seed, the name, count and total).
     */
    static int[] sample(long seed, String name, int count, int total) {
        int k = Math.min(count, total);
        SplittableRandom r = Streams.stream(seed, Streams.caseKey(name), 0, Streams.SAMPLE);
        Set<Integer> chosen = new HashSet<>();
        for (int j = total - k; j < total; j++) {
            int t = r.nextInt(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    static Verification run(JavaSparkContext jsc, Broadcast<Payload> bc, Layout layout, JacobianJob.Prepared p,
            int partitions) {
        JacobianSpec spec = p.spec;
        JacobianSpec.VerifySettings v = spec.verify();
        List<NDArray> point = p.point();
        DType working = Tolerances.workingDType(point);
        double eps = v.eps() != null ? v.eps() : Tolerances.defaultEps(point);
        double tol = Tolerances.defaultTol(point);
        double absTol = v.absTol() != null ? v.absTol() : tol;
        double relTol = v.relTol() != null ? v.relTol() : tol;
        int[] idx = sample(spec.seed(), spec.name(), v.samples(), layout.lines);
        List<Integer> list = new ArrayList<>();
        for (int i : idx) {
            list.add(i);
        }
        int parts = Math.max(1, Math.min(partitions, idx.length));
        List<double[]> analytic = jsc.parallelize(list, parts).map(new AnalyticLine(bc, layout)).collect();
        double[][] numeric = new double[idx.length][];
        if (layout.mode == Mode.COLUMNS) {
            List<double[]> cols = jsc.parallelize(list, parts).map(new NumericColumn(bc, working, eps)).collect();
            for (int k = 0; k < idx.length; k++) {
                numeric[k] = cols.get(k);
            }
        } else {
            int n = layout.n;
            int chunk = Math.max(1, (n + 4 * partitions - 1) / (4 * partitions));
            List<Integer> starts = new ArrayList<>();
            for (int lo = 0; lo < n; lo += chunk) {
                starts.add(lo);
            }
            for (int k = 0; k < idx.length; k++) {
                numeric[k] = new double[n];
            }
            List<double[][]> chunks = jsc.parallelize(starts, Math.max(1, Math.min(partitions, starts.size())))
                    .map(new NumericRowsChunk(bc, working, eps, idx, chunk)).collect();
            for (int c = 0; c < chunks.size(); c++) {
                int lo = starts.get(c);
                for (int k = 0; k < idx.length; k++) {
                    System.arraycopy(chunks.get(c)[k], 0, numeric[k], lo, chunks.get(c)[k].length);
                }
            }
        }
        return compare(layout.mode, idx, analytic, numeric, p.dtype(), eps, absTol, relTol);
    }

    /** Theano's max_err over the sampled lines. */
    static Verification compare(Mode mode, int[] idx, List<double[]> analytic, double[][] numeric, DType dtype,
            double eps, double absTol, double relTol) {
        long elements = 0;
        double best = Double.NEGATIVE_INFINITY;
        long bRow = -1;
        long bCol = -1;
        double bA = 0;
        double bN = 0;
        double bAbs = 0;
        double bRel = 0;
        double maxAbs = 0;
        double maxRel = 0;
        String message = null;
        for (int k = 0; k < idx.length; k++) {
            double[] a = analytic.get(k);
            double[] b = numeric[k];
            NumericGrad.AbsRel e = NumericGrad.absRelErr(NDArray.wrap(dtype, new int[] {a.length}, a),
                    NDArray.wrap(dtype, new int[] {b.length}, b));
            for (int i = 0; i < a.length; i++) {
                elements++;
                double abs = e.abs().getFlat(i);
                double rel = e.rel().getFlat(i);
                long r = mode == Mode.ROWS ? idx[k] : i;
                long c = mode == Mode.ROWS ? i : idx[k];
                double s;
                if (!Double.isFinite(abs) || !Double.isFinite(rel)) {
                    s = Double.POSITIVE_INFINITY;
                    if (message == null) {
                        message = "error not finite at J[" + r + ", " + c + "]: analytic " + a[i] + ", numeric " + b[i];
                    }
                } else {
                    s = Math.min(dtype.coerce(abs / absTol), dtype.coerce(rel / relTol));
                    maxAbs = Math.max(maxAbs, abs);
                    maxRel = Math.max(maxRel, rel);
                }
                if (s > best) {
                    best = s;
                    bRow = r;
                    bCol = c;
                    bA = a[i];
                    bN = b[i];
                    bAbs = abs;
                    bRel = rel;
                }
            }
        }
        if (elements == 0) {
            best = 0;
        }
        boolean passed = message == null && best <= 1;
        if (message == null && !passed) {
            message = String.format(java.util.Locale.ROOT, "J[%d, %d]: analytic %.17g, numeric %.17g: abs err %.3g >"
                    + " absTol %.3g and rel err %.3g > relTol %.3g", bRow, bCol, bA, bN, bAbs, absTol, bRel, relTol);
        }
        return new Verification(mode == Mode.ROWS ? "rows" : "columns", idx, eps, absTol, relTol, elements, bRow, bCol,
                bA, bN, bAbs, bRel, best, maxAbs, maxRel, passed, message);
    }

    // ---------------------------------------------------------------- executors

    /** Line i of J (a row or a column), by the block program with a block of one line. */
    static final class AnalyticLine implements Function<Integer, double[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final Layout layout;

        AnalyticLine(Broadcast<Payload> bc, Layout layout) {
            this.bc = bc;
            this.layout = layout;
        }

        @Override
        public double[] call(Integer i) {
            Shipped s = bc.value().get();
            NDArray b = layout.mode == Mode.ROWS ? s.blocks.rows(s.point, i, 1) : s.blocks.columns(s.point, i, 1);
            return b.toDoubleArray();      // (1, n) or (m, 1): the line, in order
        }
    }

    /** The point with x in the working dtype (a private copy per call, so coordinates can be moved in place). */
    static NDArray[] workingPoint(Shipped s, DType working) {
        NDArray[] args = s.point.clone();
        double[] x = s.point[s.wrt].toDoubleArray();
        working.coerceAll(x);
        args[s.wrt] = NDArray.wrap(working, s.point[s.wrt].shape(), x);
        return args;
    }

    /** y with coordinate j of x moved by delta (in the working dtype), cast to x's dtype like Theano's downcast. */
    static NDArray shifted(Shipped s, NDArray[] args, DType working, int j, double delta) {
        double[] x = args[s.wrt].unsafeData();
        double keep = x[j];
        x[j] = working.coerce(keep + delta);
        try {
            NDArray[] call = args.clone();
            call[s.wrt] = args[s.wrt].astype(s.point[s.wrt].dtype());   // programs never modify their inputs
            return s.forward.run(call)[0];
        } finally {
            x[j] = keep;
        }
    }

    /** {@code (up - down) / (2 eps)}, rounded like NumPy would (the difference in y's dtype, the result in the working dtype). */
    static double central(DType working, NDArray up, NDArray down, int i, double eps) {
        DType c = up.dtype();
        return working.coerce(c.coerce(c.coerce(up.getFlat(i) - down.getFlat(i)) / (2 * eps)));
    }

    /** Column j of J by central differences: two evaluations. */
    static final class NumericColumn implements Function<Integer, double[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final DType working;
        private final double eps;

        NumericColumn(Broadcast<Payload> bc, DType working, double eps) {
            this.bc = bc;
            this.working = working;
            this.eps = eps;
        }

        @Override
        public double[] call(Integer j) {
            Shipped s = bc.value().get();
            NDArray[] args = workingPoint(s, working);
            NDArray up = shifted(s, args, working, j, eps);
            NDArray down = shifted(s, args, working, j, -eps);
            double[] c = new double[up.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = central(working, up, down, i, eps);
            }
            return c;
        }
    }

    /** Columns [lo, lo + chunk) of the sampled rows of J by central differences: 2 evaluations per column. */
    static final class NumericRowsChunk implements Function<Integer, double[][]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Payload> bc;
        private final DType working;
        private final double eps;
        private final int[] rows;
        private final int chunk;

        NumericRowsChunk(Broadcast<Payload> bc, DType working, double eps, int[] rows, int chunk) {
            this.bc = bc;
            this.working = working;
            this.eps = eps;
            this.rows = rows.clone();
            this.chunk = chunk;
        }

        @Override
        public double[][] call(Integer lo) {
            Shipped s = bc.value().get();
            int hi = Math.min(s.n, lo + chunk);
            NDArray[] args = workingPoint(s, working);
            double[][] out = new double[rows.length][hi - lo];
            for (int j = lo; j < hi; j++) {
                NDArray up = shifted(s, args, working, j, eps);
                NDArray down = shifted(s, args, working, j, -eps);
                for (int k = 0; k < rows.length; k++) {
                    out[k][j - lo] = central(working, up, down, rows[k], eps);
                }
            }
            return out;
        }
    }

    @Override
    public String toString() {
        return "Verification(" + lines + " " + Arrays.toString(sampled) + ", passed=" + passed + ", scaled=" + scaled
                + " at [" + row + ", " + col + "])";
    }
}
