package org.gradaudit.core.tensor;

import java.util.Arrays;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/**
 * Kernels of the axis reductions (mean, prod, max, argmax, all, var...) and of softmax. Each walks
 * the input once (twice for var and softmax) in C order through a {@link Plan}: for every input
 * element, the flat index of its output element and its position inside its group (the elements
 * reduced together). Accumulation is in double, in C order: deterministic. Inputs are only read.
 */
public final class ReduceKernels {
    private ReduceKernels() {}

    /**
     * Where each input element goes. {@code out[i]}: the output element of input element i;
     * {@code inner[i]}: i's flat index among the reduced axes (C order), which is what argmax over
     * several axes returns (NumPy's argmax over the reduced axes moved last and flattened).
     */
    public static final class Plan {
        public final int[] outShape;
        public final int outSize;
        public final int groupSize;
        public final int[] out;
        public final int[] inner;

        Plan(int[] outShape, int groupSize, int[] out, int[] inner) {
            this.outShape = outShape;
            this.outSize = NDArray.sizeOf(outShape);
            this.groupSize = groupSize;
            this.out = out;
            this.inner = inner;
        }
    }

    /** Plans of arrays up to this many elements are kept for the next reduction of the same shape. */
    private static final int CACHED_MAX_SIZE = 1 << 20;
    private static final int CACHE_ENTRIES = 64;
    private static final java.util.concurrent.ConcurrentHashMap<String, Plan> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The plan of reducing an array of {@code shape} over the axes with {@code reduce[axis]}.
     * Plans are immutable; those of arrays up to {@value #CACHED_MAX_SIZE} elements are cached
     * (the same reductions run again at every evaluation and every finite-difference step).
     */
    public static Plan plan(int[] shape, boolean[] reduce) {
        if (NDArray.sizeOf(shape) > CACHED_MAX_SIZE) {
            return build(shape, reduce);
        }
        String key = Arrays.toString(shape) + Arrays.toString(reduce);
        Plan p = CACHE.get(key);
        if (p == null) {
            p = build(shape, reduce);
            if (CACHE.size() >= CACHE_ENTRIES) {
                CACHE.clear();
            }
            CACHE.put(key, p);
        }
        return p;
    }

    private static Plan build(int[] shape, boolean[] reduce) {
        int nd = shape.length;
        int outNd = 0;
        int group = 1;
        for (int a = 0; a < nd; a++) {
            if (reduce[a]) {
                group *= shape[a];
            } else {
                outNd++;
            }
        }
        int[] os = new int[outNd];
        int[] ostride = new int[nd];
        int[] istride = new int[nd];
        int k = outNd - 1;
        int so = 1;
        int si = 1;
        for (int a = nd - 1; a >= 0; a--) {
            if (reduce[a]) {
                istride[a] = si;
                si *= shape[a];
            } else {
                os[k--] = shape[a];
                ostride[a] = so;
                so *= shape[a];
            }
        }
        int size = NDArray.sizeOf(shape);
        int[] out = new int[size];
        int[] inner = new int[size];
        int[] counter = new int[nd];
        int o = 0;
        int in = 0;
        for (int i = 0; i < size; i++) {
            out[i] = o;
            inner[i] = in;
            for (int a = nd - 1; a >= 0; a--) {
                o += ostride[a];
                in += istride[a];
                if (++counter[a] < shape[a]) {
                    break;
                }
                o -= ostride[a] * shape[a];
                in -= istride[a] * shape[a];
                counter[a] = 0;
            }
        }
        return new Plan(os, group, out, inner);
    }

    /** {@code sum / n} per group; an empty group gives NaN (0/0), as NumPy. */
    public static NDArray mean(NDArray x, boolean[] reduce, DType outType) {
        Plan p = plan(x.shape(), reduce);
        double[] d = x.unsafeData();
        double[] r = new double[p.outSize];
        if (p.outShape.length == 0) {
            r[0] = Reductions.sumAll(d);                  // every axis: the order of a full sum
        } else {
            for (int i = 0; i < d.length; i++) {
                r[p.out[i]] += d[i];
            }
        }
        double n = p.groupSize;
        for (int j = 0; j < r.length; j++) {
            r[j] /= n;
        }
        return finish(outType, p.outShape, r);
    }

    /** The product per group; an empty group gives 1. */
    public static NDArray prod(NDArray x, boolean[] reduce, DType outType) {
        Plan p = plan(x.shape(), reduce);
        double[] d = x.unsafeData();
        double[] r = new double[p.outSize];
        Arrays.fill(r, 1.0);
        for (int i = 0; i < d.length; i++) {
            r[p.out[i]] *= d[i];
        }
        return finish(outType, p.outShape, r);
    }

    /**
     * The product of the non-zero elements per group, and 0 for a group without any (all zeros or
     * empty): Theano's reduction by {@code mul_without_zeros}, whose identity is 0. NaN is non-zero.
     */
    public static NDArray prodWithoutZeros(NDArray x, boolean[] reduce, DType outType) {
        Plan p = plan(x.shape(), reduce);
        double[] d = x.unsafeData();
        double[] r = new double[p.outSize];
        boolean[] any = new boolean[p.outSize];
        Arrays.fill(r, 1.0);
        for (int i = 0; i < d.length; i++) {
            if (d[i] != 0) {
                r[p.out[i]] *= d[i];
                any[p.out[i]] = true;
            }
        }
        for (int j = 0; j < r.length; j++) {
            if (!any[j]) {
                r[j] = 0;
            }
        }
        return finish(outType, p.outShape, r);
    }

    /**
     * The maximum (or minimum) per group, and where it first occurs (flat index among the reduced
     * axes). NaN wins and propagates (NumPy's max and argmax: the first NaN). An empty group is an
     * error, as in NumPy.
     *
     * @return {values (outType), indices (int64)}
     */
    public static NDArray[] extremum(String opName, NDArray x, boolean[] reduce, boolean max, DType outType) {
        Plan p = plan(x.shape(), reduce);
        if (p.groupSize == 0 && p.outSize > 0) {
            throw new IllegalArgumentException(opName + ": input 0 of shape " + Arrays.toString(x.shape())
                    + " has an empty reduction (no identity for " + (max ? "max" : "min") + "); reduce over"
                    + " non-empty axes only");
        }
        double[] d = x.unsafeData();
        double[] r = new double[p.outSize];
        double[] arg = new double[p.outSize];
        boolean[] seen = new boolean[p.outSize];
        for (int i = 0; i < d.length; i++) {
            int o = p.out[i];
            double v = d[i];
            double m = r[o];
            if (!seen[o]) {
                seen[o] = true;
                r[o] = v;
                arg[o] = p.inner[i];
            } else if (m == m && (v != v || (max ? v > m : v < m))) {
                r[o] = v;
                arg[o] = p.inner[i];
            }
        }
        return new NDArray[] {finish(outType, p.outShape, r), NDArray.wrap(DType.INT64, p.outShape, arg)};
    }

    /** Bool: whether all (or any) elements of each group are non-zero; NaN is non-zero. Empty: all true, any false. */
    public static NDArray allAny(NDArray x, boolean[] reduce, boolean all) {
        Plan p = plan(x.shape(), reduce);
        double[] d = x.unsafeData();
        double[] r = new double[p.outSize];
        Arrays.fill(r, all ? 1 : 0);
        for (int i = 0; i < d.length; i++) {
            if ((d[i] != 0) != all) {
                r[p.out[i]] = all ? 0 : 1;
            }
        }
        return NDArray.wrap(DType.BOOL, p.outShape, r);
    }

    /**
     * {@code sum((x - mean)^2) / max(n - ddof, 0)} per group (two passes, NumPy's var), its square
     * root when {@code sqrt}. n - ddof of 0 divides by zero (inf, or NaN for 0/0), as NumPy.
     */
    public static NDArray variance(NDArray x, boolean[] reduce, int ddof, boolean sqrt, DType outType) {
        Plan p = plan(x.shape(), reduce);
        double[] d = x.unsafeData();
        double[] mean = new double[p.outSize];
        for (int i = 0; i < d.length; i++) {
            mean[p.out[i]] += d[i];
        }
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= p.groupSize;
        }
        double[] r = new double[p.outSize];
        for (int i = 0; i < d.length; i++) {
            double c = d[i] - mean[p.out[i]];
            r[p.out[i]] += c * c;
        }
        double denom = Math.max(p.groupSize - ddof, 0);
        for (int j = 0; j < r.length; j++) {
            r[j] /= denom;
            if (sqrt) {
                r[j] = Math.sqrt(r[j]);
            }
        }
        return finish(outType, p.outShape, r);
    }

    /**
     * Softmax along {@code axis}: {@code exp(x - m) / sum(exp(x - m))} with m the group's max, so
     * no exp overflows; with {@code log}, {@code (x - m) - log(sum(exp(x - m)))}. A group holding
     * +inf gives NaN (inf - inf), a group of all -inf gives NaN, as the formula does in NumPy.
     */
    public static NDArray softmax(NDArray x, int axis, boolean log, DType outType) {
        boolean[] reduce = new boolean[x.ndim()];
        reduce[axis] = true;
        Plan p = plan(x.shape(), reduce);
        double[] d = x.unsafeData();
        double[] m = new double[p.outSize];
        Arrays.fill(m, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < d.length; i++) {
            int o = p.out[i];
            if (d[i] > m[o] || d[i] != d[i]) {
                m[o] = d[i];
            }
        }
        double[] s = new double[p.outSize];
        double[] r = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            double e = Math.exp(d[i] - m[p.out[i]]);
            s[p.out[i]] += e;
            r[i] = log ? d[i] - m[p.out[i]] : e;
        }
        if (log) {
            for (int j = 0; j < s.length; j++) {
                s[j] = Math.log(s[j]);
            }
            for (int i = 0; i < d.length; i++) {
                r[i] -= s[p.out[i]];
            }
        } else {
            for (int i = 0; i < d.length; i++) {
                r[i] /= s[p.out[i]];
            }
        }
        return finish(outType, x.shape(), r);
    }

    private static NDArray finish(DType outType, int[] shape, double[] r) {
        outType.coerceAll(r);
        return NDArray.wrap(outType, shape, r);
    }
}
