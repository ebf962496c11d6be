package org.gradaudit.core.ops.scan;

import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;

/** Graphs and reference loops shared by the scan tests. */
final class ScanFixtures {
    private ScanFixtures() {}

    /** {@code h_t = tanh(W h_{t-1} + U x_t)}, stacked: inputs x (T, nIn), h0 (nH), W (nH, nH), U (nH, nIn). */
    static Variable rnn(Variable x, Variable h0, Variable w, Variable u) {
        return rnn(x, h0, w, u, -1, false);
    }

    static Variable rnn(Variable x, Variable h0, Variable w, Variable u, int truncate, boolean backwards) {
        return Scan.builder().sequences(x).outputsInfo(Scan.state(h0)).nonSequences(w, u)
                .truncateGradient(truncate).goBackwards(backwards)
                .step(in -> ScanStep.of(T.tanh(T.add(T.dot(in.nonSeq(0), in.state(0)), T.dot(in.nonSeq(1), in.seq(0))))))
                .build().get(0);
    }

    /** The same recurrence by a hand loop; returns (T, nH) row-major. */
    static double[] rnnReference(NDArray x, NDArray h0, NDArray w, NDArray u, boolean backwards) {
        int steps = x.shape(0);
        int nIn = x.shape(1);
        int nH = h0.shape(0);
        double[] h = h0.toDoubleArray();
        double[] out = new double[steps * nH];
        for (int s = 0; s < steps; s++) {
            int t = backwards ? steps - 1 - s : s;
            double[] next = new double[nH];
            for (int i = 0; i < nH; i++) {
                double a = 0;
                for (int j = 0; j < nH; j++) {
                    a += w.get(i, j) * h[j];
                }
                for (int j = 0; j < nIn; j++) {
                    a += u.get(i, j) * x.get(t, j);
                }
                next[i] = Math.tanh(a);
            }
            h = next;
            System.arraycopy(h, 0, out, s * nH, nH);
        }
        return out;
    }

    static NDArray random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[NDArray.sizeOf(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() * 2 - 1;
        }
        return NDArray.of(DType.FLOAT64, shape, d);
    }

    /** x (5, 3), h0 (4), W (4, 4) scaled to keep tanh out of saturation, U (4, 3). */
    static List<NDArray> rnnPoints() {
        NDArray w = random(2, 4, 4);
        double[] d = w.toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            d[i] *= 0.6;
        }
        return List.of(random(1, 5, 3), random(3, 4), NDArray.of(DType.FLOAT64, new int[] {4, 4}, d), random(4, 4, 3));
    }
}
