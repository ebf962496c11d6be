package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;

/** Catalogue entries of the blas family; references are plain triple loops. */
final class BlasEntries {
    private BlasEntries() {}

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        r.add(CatalogEntry.builder("dot", "blas", in -> T.dot(in.get(0), in.get(1)))
                .inputs(2, std)
                .shapes(new int[] {3, 4}, new int[] {4, 2})
                .shapes(new int[] {3, 4}, new int[] {4})
                .shapes(new int[] {4}, new int[] {4, 2})
                .shapes(new int[] {4}, new int[] {4})
                .reference(in -> matmul(in[0], in[1])).build());
        r.add(CatalogEntry.builder("outer", "blas", in -> T.outer(in.get(0), in.get(1)))
                .inputs(2, std)
                .shapes(new int[] {3}, new int[] {4})
                .shapes(new int[] {1}, new int[] {5})
                .reference(in -> tensordot(in[0], in[1], new int[0], new int[0])).build());
        r.add(CatalogEntry.builder("tensordot", "blas", in -> T.tensordot(in.get(0), in.get(1), 2))
                .inputs(2, std)
                .shapes(new int[] {2, 3, 4}, new int[] {3, 4, 2})
                .shapes(new int[] {3, 2}, new int[] {3, 2})
                .shapes(new int[] {4, 3}, new int[] {4, 3, 2})
                .reference(in -> {
                    int na = in[0].ndim();
                    return tensordot(in[0], in[1], new int[] {na - 2, na - 1}, new int[] {0, 1});
                }).note("tensordot(a, b, 2): the last two axes of a with the first two of b").build());
        r.add(CatalogEntry.builder("tensordot_axes", "blas",
                        in -> T.tensordot(in.get(0), in.get(1), new int[] {2, 0}, new int[] {0, 2}))
                .inputs(2, std)
                .shapes(new int[] {3, 2, 4}, new int[] {4, 5, 3})
                .shapes(new int[] {2, 3, 2}, new int[] {2, 2, 2, 3})
                .reference(in -> tensordot(in[0], in[1], new int[] {2, 0}, new int[] {0, 2}))
                .note("explicit pairs, crossed and out of order: a's axis 2 with b's 0, a's 0 with b's 2").build());
        r.add(CatalogEntry.builder("tensordot_outer", "blas", in -> T.tensordot(in.get(0), in.get(1), 0))
                .inputs(2, std)
                .shapes(new int[] {2, 3}, new int[] {3})
                .reference(in -> tensordot(in[0], in[1], new int[0], new int[0]))
                .note("no summed axis: the outer product of a matrix and a vector").build());
        r.add(CatalogEntry.builder("batched_dot", "blas", in -> T.batchedDot(in.get(0), in.get(1)))
                .inputs(2, std)
                .shapes(new int[] {2, 3, 4}, new int[] {2, 4, 2})
                .shapes(new int[] {3, 1, 4}, new int[] {3, 4, 3})
                .shapes(new int[] {1, 2, 2}, new int[] {1, 2, 1})
                .reference(in -> batchedMatmul(in[0], in[1])).build());
        return r;
    }

    /** Reference batched product (B, m, k) x (B, k, n) by plain loops. */
    static double[] batchedMatmul(NDArray a, NDArray b) {
        int bt = a.shape(0);
        int m = a.shape(1);
        int k = a.shape(2);
        int n = b.shape(2);
        double[] out = new double[bt * m * n];
        for (int t = 0; t < bt; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) {
                        s += a.get(t, i, l) * b.get(t, l, j);
                    }
                    out[(t * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    /**
     * Reference tensordot by the definition: for each output index (a's free axes, then b's), the
     * sum over every index of the summed axes of a[..] b[..], indices assembled axis by axis.
     */
    static double[] tensordot(NDArray a, NDArray b, int[] axesA, int[] axesB) {
        int na = a.ndim();
        int nb = b.ndim();
        List<Integer> freeA = new ArrayList<>();
        List<Integer> freeB = new ArrayList<>();
        for (int x = 0; x < na; x++) {
            if (indexOf(axesA, x) < 0) {
                freeA.add(x);
            }
        }
        for (int x = 0; x < nb; x++) {
            if (indexOf(axesB, x) < 0) {
                freeB.add(x);
            }
        }
        int[] outShape = new int[freeA.size() + freeB.size()];
        for (int i = 0; i < freeA.size(); i++) {
            outShape[i] = a.shape(freeA.get(i));
        }
        for (int i = 0; i < freeB.size(); i++) {
            outShape[freeA.size() + i] = b.shape(freeB.get(i));
        }
        int[] sumShape = new int[axesA.length];
        for (int i = 0; i < axesA.length; i++) {
            sumShape[i] = a.shape(axesA[i]);
        }
        double[] out = new double[NDArray.sizeOf(outShape)];
        int nsum = NDArray.sizeOf(sumShape);
        int[] ia = new int[na];
        int[] ib = new int[nb];
        for (int o = 0; o < out.length; o++) {
            int[] oi = NDArray.unravel(o, outShape);
            for (int i = 0; i < freeA.size(); i++) {
                ia[freeA.get(i)] = oi[i];
            }
            for (int i = 0; i < freeB.size(); i++) {
                ib[freeB.get(i)] = oi[freeA.size() + i];
            }
            double s = 0;
            for (int t = 0; t < nsum; t++) {
                int[] si = NDArray.unravel(t, sumShape);
                for (int i = 0; i < axesA.length; i++) {
                    ia[axesA[i]] = si[i];
                    ib[axesB[i]] = si[i];
                }
                s += a.get(ia) * b.get(ib);
            }
            out[o] = s;
        }
        return out;
    }

    private static int indexOf(int[] xs, int v) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** Reference product of vectors/matrices as (m x k)(k x n) with vectors as a row / a column. */
    static double[] matmul(NDArray a, NDArray b) {
        int k = a.shape(a.ndim() - 1);
        int m = a.ndim() == 2 ? a.shape(0) : 1;
        int n = b.ndim() == 2 ? b.shape(1) : 1;
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += a.getFlat(i * k + t) * b.getFlat(t * n + j);
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }
}
