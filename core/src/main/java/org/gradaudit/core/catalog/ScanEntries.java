package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;

/**
 * Catalogue entries of the scan family: RNN recurrences {@code h_t = tanh(W h_{t-1} + U x_t)},
 * forward and backwards, a two-tap recurrence, and the RNN's gradient (whose graph holds the
 * backward scan, so the matrix checks second derivatives through it). References are hand loops.
 */
final class ScanEntries {
    private ScanEntries() {}

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        InputDomain small = InputDomain.between(-0.5, 0.5);
        r.add(CatalogEntry.builder("scan_rnn", "scan", in -> rnn(in, false))
                .input(std).input(std).input(small).input(std)
                .shapes(new int[] {5, 3}, new int[] {4}, new int[] {4, 4}, new int[] {4, 3})
                .shapes(new int[] {2, 2}, new int[] {3}, new int[] {3, 3}, new int[] {3, 2})
                .reference(in -> rnnReference(in, false)).build());
        r.add(CatalogEntry.builder("scan_rnn_backwards", "scan", in -> rnn(in, true))
                .input(std).input(std).input(small).input(std)
                .shapes(new int[] {4, 3}, new int[] {2}, new int[] {2, 2}, new int[] {2, 3})
                .reference(in -> rnnReference(in, true)).build());
        r.add(CatalogEntry.builder("scan_two_taps", "scan", ScanEntries::twoTaps)
                .input(std).input(std).input(small).input(small)
                .shapes(new int[] {5, 2}, new int[] {2, 2}, new int[] {2}, new int[] {2})
                .reference(ScanEntries::twoTapsReference).build());
        r.add(CatalogEntry.builder("scan_rnn_grad_W", "scan", in -> Gradient.grad(T.sum(T.sqr(rnn(in, false))), in.get(2),
                        GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build()))
                .input(std).input(std).input(small).input(std)
                .shapes(new int[] {3, 2}, new int[] {2}, new int[] {2, 2}, new int[] {2, 2})
                .note("the gradient graph holds the backward (reverse) scan; its own gradient is second order")
                .build());
        return r;
    }

    private static Variable rnn(List<Variable> in, boolean backwards) {
        return Scan.builder().sequences(in.get(0)).outputsInfo(Scan.state(in.get(1))).nonSequences(in.get(2), in.get(3))
                .goBackwards(backwards)
                .step(s -> ScanStep.of(T.tanh(T.add(T.dot(s.nonSeq(0), s.state(0)), T.dot(s.nonSeq(1), s.seq(0))))))
                .build().get(0);
    }

    private static double[] rnnReference(NDArray[] in, boolean backwards) {
        NDArray x = in[0];
        int steps = x.shape(0);
        int nIn = x.shape(1);
        int nH = in[1].shape(0);
        double[] h = in[1].toDoubleArray();
        double[] out = new double[steps * nH];
        for (int s = 0; s < steps; s++) {
            int t = backwards ? steps - 1 - s : s;
            double[] next = new double[nH];
            for (int i = 0; i < nH; i++) {
                double a = 0;
                for (int j = 0; j < nH; j++) {
                    a += in[2].get(i, j) * h[j];
                }
                for (int j = 0; j < nIn; j++) {
                    a += in[3].get(i, j) * x.get(t, j);
                }
                next[i] = Math.tanh(a);
            }
            h = next;
            System.arraycopy(h, 0, out, s * nH, nH);
        }
        return out;
    }

    /** {@code y_t = tanh(a y_{t-1} + b y_{t-2} + x_t)}, init of two rows. */
    private static Variable twoTaps(List<Variable> in) {
        return Scan.builder().sequences(in.get(0)).outputsInfo(Scan.state(in.get(1), -2, -1)).nonSequences(in.get(2), in.get(3))
                .step(s -> ScanStep.of(T.tanh(T.add(T.add(T.mul(s.nonSeq(0), s.state(0, -1)), T.mul(s.nonSeq(1), s.state(0, -2))),
                        s.seq(0))))).build().get(0);
    }

    private static double[] twoTapsReference(NDArray[] in) {
        int steps = in[0].shape(0);
        int n = in[0].shape(1);
        double[] buf = new double[(steps + 2) * n];
        System.arraycopy(in[1].toDoubleArray(), 0, buf, 0, 2 * n);
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                buf[(t + 2) * n + i] = Math.tanh(in[2].getFlat(i) * buf[(t + 1) * n + i] + in[3].getFlat(i) * buf[t * n + i]
                        + in[0].get(t, i));
            }
        }
        double[] out = new double[steps * n];
        System.arraycopy(buf, 2 * n, out, 0, out.length);
        return out;
    }
}
