package org.gradaudit.core.tensor;


/**
 * Contractions beyond {@link Blas#gemm}: axis permutation, tensordot as one matrix product of
 * permuted operands, and batched matrix products. Arguments are only read; results are new arrays.
 */
public final class TensorProducts {
    private TensorProducts() {}

    /** {@code out[i_perm[0], ..., i_perm[n-1]] = x[i_0, ..., i_{n-1}]}: output axis k is input axis {@code perm[k]}. */
    public static double[] permute(double[] x, int[] shape, int[] perm) {
        int nd = shape.length;
        double[] out = new double[x.length];
        if (x.length == 0) {
            return out;
        }
        int[] inStrides = new int[nd];
        int s = 1;
        for (int a = nd - 1; a >= 0; a--) {
            inStrides[a] = s;
            s *= shape[a];
        }
        int[] oShape = new int[nd];
        int[] oStride = new int[nd];          // input stride of output axis k
        for (int k = 0; k < nd; k++) {
            oShape[k] = shape[perm[k]];
            oStride[k] = inStrides[perm[k]];
        }
        int[] idx = new int[nd];
        int src = 0;
        for (int o = 0; o < out.length; o++) {
            out[o] = x[src];
            for (int k = nd - 1; k >= 0; k--) {       // odometer over the output index
                idx[k]++;
                src += oStride[k];
                if (idx[k] < oShape[k]) {
                    break;
                }
                src -= oStride[k] * oShape[k];
                idx[k] = 0;
            }
        }
        return out;
    }

    /** {@code C[b] = A[b] B[b]} for row-major A (batch x m x k) and B (batch x k x n), via {@link Gemm}. */
    public static double[] batchedGemm(double[] a, double[] b, int batch, int m, int k, int n) {
        double[] c = new double[batch * m * n];
        for (int t = 0; t < batch; t++) {
            Gemm.gemm(a, t * m * k, b, t * k * n, c, t * m * n, m, k, n);
        }
        return c;
    }
}
