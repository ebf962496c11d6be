package org.gradaudit.core.check;

import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/**
 * Finite differences over the concatenation of all inputs (C order within each input), exactly as
 * Theano's numeric_grad: the point lives in the working dtype (the most precise input dtype) and
 * the function receives it in that dtype; a perturbed coordinate is {@code x_i + eps} rounded to
 * the working dtype; the quotient divides by the nominal eps and is rounded like NumPy would round
 * it (the difference in the cost's dtype, the result in the working dtype). A compiled cost casts
 * its arguments down to the input dtypes itself (Theano's {@code allow_input_downcast}).
 */
final class Perturber {
    private final NDArray[] base;             // the point in the working dtype, one array per input
    private final double[][] work;            // their data
    private final int[] offsets;
    private final DType working;
    private final double eps;

    Perturber(List<NDArray> points, DType working, double eps) {
        int n = points.size();
        this.base = new NDArray[n];
        this.work = new double[n][];
        this.offsets = new int[n + 1];
        this.working = working;
        this.eps = eps;
        for (int k = 0; k < n; k++) {
            NDArray p = points.get(k);
            double[] w = p.toDoubleArray();
            working.coerceAll(w);
            work[k] = w;
            base[k] = NDArray.wrap(working, p.shape(), w);
            offsets[k + 1] = offsets[k] + w.length;
        }
    }

    int total() { return offsets[offsets.length - 1]; }

    int[] offsets() { return offsets.clone(); }

    /** The point, in the working dtype (shared, never modified). */
    NDArray[] baseArgs() { return base.clone(); }

    /** The input index holding flat coordinate {@code flat}. */
    int argOf(int flat) {
        int k = Arrays.binarySearch(offsets, flat);
        if (k >= 0) {
            while (k + 1 < offsets.length && offsets[k + 1] == flat) {
                k++;                           // skip empty inputs
            }
            return k;
        }
        return -k - 2;
    }

    /** The input holding coordinate {@code flat}, with that coordinate moved by {@code delta} (working dtype). */
    NDArray shiftedArg(int flat, double delta) {
        int k = argOf(flat);
        double[] d = work[k].clone();
        int local = flat - offsets[k];
        d[local] = working.coerce(d[local] + delta);
        return NDArray.wrap(working, base[k].shape(), d);
    }

    /**
     * Scratch copies of the inputs for one thread's sequence of perturbations: each perturbation
     * changes one element of its input's copy in place and {@link #restore} puts it back, instead
     * of copying the whole input per element. The array handed out is only valid until the next
     * call; callers must not keep it (a rerun reads it and is done).
     */
    final class Scratch {
        private final double[][] copies = new double[work.length][];
        private final NDArray[] arrays = new NDArray[work.length];

        NDArray shifted(int flat, double delta) {
            int k = argOf(flat);
            if (copies[k] == null) {
                copies[k] = work[k].clone();
                arrays[k] = NDArray.wrap(working, base[k].shape(), copies[k]);
            }
            int local = flat - offsets[k];
            copies[k][local] = working.coerce(work[k][local] + delta);
            return arrays[k];
        }

        void restore(int flat) {
            int k = argOf(flat);
            int local = flat - offsets[k];
            copies[k][local] = work[k][local];
        }
    }

    /** All inputs, with coordinate {@code flat} moved by {@code delta}. */
    NDArray[] shifted(int flat, double delta) {
        NDArray[] args = base.clone();
        args[argOf(flat)] = shiftedArg(flat, delta);
        return args;
    }

    /** The function's value with one coordinate moved; lets callers re-evaluate only what changes. */
    @FunctionalInterface
    interface Shifted {
        NDArray value(int flat, double delta);
    }

    /** The numeric partial derivative at {@code flat}; {@code f0} is f at the point. */
    double derivative(Shifted f, NDArray f0, int flat, boolean central) {
        NDArray up = f.value(flat, eps);
        DType c = up.dtype();
        if (central) {
            NDArray down = f.value(flat, -eps);
            return working.coerce(c.coerce(c.coerce(scalar(up) - scalar(down)) / (2 * eps)));
        }
        return working.coerce(c.coerce(c.coerce(scalar(up) - scalar(f0)) / eps));
    }

    static double scalar(NDArray v) {
        if (v.size() != 1) {
            throw new IllegalArgumentException("the checked function must return a single element, got shape "
                    + Arrays.toString(v.shape()));
        }
        return v.getFlat(0);
    }
}
