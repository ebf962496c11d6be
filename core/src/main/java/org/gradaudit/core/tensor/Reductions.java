package org.gradaudit.core.tensor;

import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/**
 * Reduction kernels. Accumulation is in double, in a fixed order: deterministic. Reductions over
 * some axes add in C order of the input; a reduction over every axis adds in the order of
 * {@link #sumAll}.
 */
public final class Reductions {
    private Reductions() {}

    /**
     * The sum of every element, in a fixed order: eight partial sums, partial r taking the
     * elements i = r (mod 8) below the last multiple of 8 in increasing i; then
     * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); then the remaining elements in increasing
     * i. Eight independent chains instead of one: several times faster, and no less accurate.
     */
    public static double sumAll(double[] d) {
        int n8 = d.length - d.length % 8;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        for (int i = 0; i < n8; i += 8) {
            s0 += d[i];
            s1 += d[i + 1];
            s2 += d[i + 2];
            s3 += d[i + 3];
            s4 += d[i + 4];
            s5 += d[i + 5];
            s6 += d[i + 6];
            s7 += d[i + 7];
        }
        double s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (int i = n8; i < d.length; i++) {
            s += d[i];
        }
        return s;
    }

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
            out[0] = sumAll(d);
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
