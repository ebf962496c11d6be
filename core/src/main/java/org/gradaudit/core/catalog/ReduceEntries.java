package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;

/** Catalogue entries of the reduce family. */
final class ReduceEntries {
    private ReduceEntries() {}

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        r.add(CatalogEntry.builder("sum", "reduce", in -> T.sum(in.get(0)))
                .input(std).shapes(new int[] {5}).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 2})
                .reference(in -> {
                    double s = 0;
                    for (double v : in[0].toDoubleArray()) {
                        s += v;
                    }
                    return new double[] {s};
                }).build());
        r.add(CatalogEntry.builder("sum_axis", "reduce", in -> T.sum(in.get(0), 1))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 2})
                .reference(in -> sumAxis1(in[0])).build());
        return r;
    }

    private static double[] sumAxis1(NDArray x) {
        int[] s = x.shape();
        int inner = 1;
        for (int a = 2; a < s.length; a++) {
            inner *= s[a];
        }
        double[] out = new double[s[0] * inner];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < inner; k++) {
                    out[i * inner + k] += x.getFlat((i * s[1] + j) * inner + k);
                }
            }
        }
        return out;
    }
}
