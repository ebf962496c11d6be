package org.gradaudit.core.tensor;

import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/** Reduction kernels. Accumulation is in double, in C order of the input: deterministic. */
public final class Reductions {
    private Reductions() {}

    /**
     * {@code out[j] = sum of x[i] over the axes with reduce[axis]}, reduced axes removed from the
     * shape, coerced to {@code outType}. An empty reduction gives 0.
     */
    public static NDArray sum(NDArray x, boolean[] reduce, DType outType) {
        int[] xs = x.shape();
        int nd = xs.length;
        int outNd = 0;
        for (boolean r : reduce) {
            outNd += r ? 0 : 1;
        }
        int[] os = new int[outNd];
        int[] ostride = new int[nd];
        int k = outNd - 1;
        int stride = 1;
        for (int a = nd - 1; a >= 0; a--) {
            if (!reduce[a]) {
                os[k--] = xs[a];
                ostride[a] = stride;
                stride *= xs[a];
            }
        }
        double[] out = new double[NDArray.sizeOf(os)];
        double[] d = x.unsafeData();
        if (outNd == 0) {
            double s = 0;
            for (double v : d) {
                s += v;
            }
            out[0] = s;
        } else if (d.length > 0) {
            int[] counter = new int[nd];
            int o = 0;
            for (int i = 0; i < d.length; i++) {
                out[o] += d[i];
                for (int a = nd - 1; a >= 0; a--) {
                    o += ostride[a];
                    if (++counter[a] < xs[a]) {
                        break;
                    }
                    o -= ostride[a] * xs[a];
                    counter[a] = 0;
                }
            }
        }
        outType.coerceAll(out);
        return NDArray.wrap(outType, os, out);
    }
}
