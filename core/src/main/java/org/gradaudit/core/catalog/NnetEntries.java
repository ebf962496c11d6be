package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;

/**
 * Catalogue entries of the nnet family. References are scalar loops over the groups along the
 * axis, computed the textbook way (exp, sum, divide; no max shift: the audit domains are small).
 */
final class NnetEntries {
    private NnetEntries() {}

    private static final int[] V = {5};
    private static final int[] M = {3, 4};
    private static final int[] T3 = {2, 3, 2};

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain logits = InputDomain.between(-3, 3);
        r.add(CatalogEntry.builder("softmax", "nnet", in -> T.softmax(in.get(0)))
                .input(logits).shapes(V).shapes(M).shapes(T3)
                .reference(in -> softmaxRef(in[0], in[0].ndim() - 1, false)).note("last axis").build());
        r.add(CatalogEntry.builder("softmax_axis0", "nnet", in -> T.softmax(in.get(0), 0))
                .input(logits).shapes(M).shapes(T3)
                .reference(in -> softmaxRef(in[0], 0, false)).build());
        r.add(CatalogEntry.builder("softmax_axis1_tensor3", "nnet", in -> T.softmax(in.get(0), 1))
                .input(logits).shapes(T3)
                .reference(in -> softmaxRef(in[0], 1, false)).build());
        r.add(CatalogEntry.builder("log_softmax", "nnet", in -> T.logSoftmax(in.get(0)))
                .input(logits).shapes(V).shapes(M).shapes(T3)
                .reference(in -> softmaxRef(in[0], in[0].ndim() - 1, true)).note("last axis").build());
        r.add(CatalogEntry.builder("log_softmax_axis0", "nnet", in -> T.logSoftmax(in.get(0), 0))
                .input(logits).shapes(M).shapes(T3)
                .reference(in -> softmaxRef(in[0], 0, true)).build());
        r.add(CatalogEntry.builder("log_softmax_axis-2_tensor3", "nnet", in -> T.logSoftmax(in.get(0), -2))
                .input(logits).shapes(T3)
                .reference(in -> softmaxRef(in[0], 1, true)).note("negative axis").build());

        InputDomain probs = InputDomain.between(0.1, 1);
        InputDomain targets = InputDomain.between(0, 1);
        r.add(CatalogEntry.builder("categorical_crossentropy", "nnet",
                        in -> T.categoricalCrossentropy(in.get(0), in.get(1)))
                .input(probs).input(targets).shapes(new int[] {4}, new int[] {4}).shapes(M, M)
                .reference(in -> crossentropyRef(in[0].toDoubleArray(), in[1].toDoubleArray(), in[0].shape(in[0].ndim() - 1)))
                .note("-sum(targets * log(probs), -1); probability targets (not normalised: the rule does not"
                        + " assume it), both inputs differentiated").build());
        r.add(CatalogEntry.builder("categorical_crossentropy_labels", "nnet",
                        in -> T.categoricalCrossentropy(in.get(0), T.constant(
                                NDArray.of(org.gradaudit.core.DType.INT64, new int[] {3}, 2, 0, 3))))
                .input(probs).shapes(M)
                .reference(in -> new double[] {-Math.log(in[0].get(0, 2)), -Math.log(in[0].get(1, 0)),
                        -Math.log(in[0].get(2, 3))})
                .note("-log(probs[i, labels[i]]) with constant int64 labels [2, 0, 3]").build());
        r.add(CatalogEntry.builder("softmax_crossentropy", "nnet",
                        in -> T.categoricalCrossentropy(T.softmax(in.get(0)), in.get(1)))
                .input(logits).input(targets).shapes(M, M).shapes(new int[] {5}, new int[] {5})
                .reference(in -> crossentropyRef(softmaxRef(in[0], in[0].ndim() - 1, false), in[1].toDoubleArray(),
                        in[0].shape(in[0].ndim() - 1)))
                .note("the usual classifier loss: cross-entropy of a softmax").build());
        return r;
    }

    /** Softmax (or its log) of x along {@code axis}, by index arithmetic over (outer, axis, inner). */
    static double[] softmaxRef(NDArray x, int axis, boolean log) {
        int[] s = x.shape();
        int outer = 1;
        int inner = 1;
        for (int a = 0; a < axis; a++) {
            outer *= s[a];
        }
        for (int a = axis + 1; a < s.length; a++) {
            inner *= s[a];
        }
        int n = s[axis];
        double[] out = new double[x.size()];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double z = 0;
                for (int k = 0; k < n; k++) {
                    z += Math.exp(x.getFlat((o * n + k) * inner + i));
                }
                for (int k = 0; k < n; k++) {
                    int at = (o * n + k) * inner + i;
                    out[at] = log ? x.getFlat(at) - Math.log(z) : Math.exp(x.getFlat(at)) / z;
                }
            }
        }
        return out;
    }

    /** {@code -sum(t * log(p))} over consecutive runs of {@code n} (the last axis). */
    static double[] crossentropyRef(double[] p, double[] t, int n) {
        double[] out = new double[p.length / n];
        for (int r = 0; r < out.length; r++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += t[r * n + k] * Math.log(p[r * n + k]);
            }
            out[r] = -s;
        }
        return out;
    }
}
