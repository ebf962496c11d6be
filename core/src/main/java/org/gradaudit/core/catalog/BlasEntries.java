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
        return r;
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
