package org.gradaudit.bench;

import static org.gradaudit.bench.Problems.BATCH;
import static org.gradaudit.bench.Problems.HIDDEN;
import static org.gradaudit.bench.Problems.IN;
import static org.gradaudit.bench.Problems.OUT;

/**
 * The hand-written baselines: plain Java loops (no Gemm, no Vector API; C2 auto-vectorizes the
 * inner axpy loops), blocked so that the row being updated stays in L1, every buffer allocated
 * once, nothing allocated per call.
 */
public final class HandWritten {
    private HandWritten() {}

    /**
     * Gradient of the MLP loss (see {@link Problems}); results in dw1 (rows), db1, dw2, db2. Matrices
     * that the inner loops stream are kept as arrays of rows: C2 vectorizes {@code z[j] += a * w[j]}
     * over two distinct row arrays, not over two offsets into one flat array (measured: 3x).
     */
    public static final class Mlp {
        private final Problems.MlpData d;
        private final double[][] w1 = new double[IN][];
        private final double[][] z = new double[BATCH][HIDDEN];  // X W1 + b1, then dZ
        private final double[][] h = new double[BATCH][HIDDEN];
        private final double[] o = new double[BATCH * OUT];      // dO = 2 (O - Y)
        public final double[][] dw1 = new double[IN][HIDDEN];
        public final double[] db1 = new double[HIDDEN];
        public final double[] dw2 = new double[HIDDEN * OUT];
        public final double[] db2 = new double[OUT];

        public Mlp(Problems.MlpData d) {
            this.d = d;
            for (int p = 0; p < IN; p++) {
                w1[p] = java.util.Arrays.copyOfRange(d.w1, p * HIDDEN, (p + 1) * HIDDEN);
            }
        }

        /** dW1 as one row-major array (for the comparison with the other implementations). */
        public double[] dw1Flat() {
            double[] r = new double[IN * HIDDEN];
            for (int p = 0; p < IN; p++) {
                System.arraycopy(dw1[p], 0, r, p * HIDDEN, HIDDEN);
            }
            return r;
        }

        public void gradient() {
            final double[] x = d.x;
            final double[] w2 = d.w2;
            // Z = X W1 + b1, four rows of X at a time: each W1 row is read once per four output rows
            for (int i = 0; i < BATCH; i += 4) {
                double[] z0 = z[i];
                double[] z1 = z[i + 1];
                double[] z2 = z[i + 2];
                double[] z3 = z[i + 3];
                System.arraycopy(d.b1, 0, z0, 0, HIDDEN);
                System.arraycopy(d.b1, 0, z1, 0, HIDDEN);
                System.arraycopy(d.b1, 0, z2, 0, HIDDEN);
                System.arraycopy(d.b1, 0, z3, 0, HIDDEN);
                for (int p = 0; p < IN; p++) {
                    double a0 = x[i * IN + p];
                    double a1 = x[(i + 1) * IN + p];
                    double a2 = x[(i + 2) * IN + p];
                    double a3 = x[(i + 3) * IN + p];
                    double[] wp = w1[p];
                    for (int j = 0; j < HIDDEN; j++) {
                        double w = wp[j];
                        z0[j] += a0 * w;
                        z1[j] += a1 * w;
                        z2[j] += a2 * w;
                        z3[j] += a3 * w;
                    }
                }
            }
            for (int i = 0; i < BATCH; i++) {
                double[] zi = z[i];
                double[] hi = h[i];
                for (int j = 0; j < HIDDEN; j++) {
                    hi[j] = Math.tanh(zi[j]);
                }
            }
            // dO = 2 (H W2 + b2 - Y)
            for (int i = 0; i < BATCH; i++) {
                double[] hi = h[i];
                for (int k = 0; k < OUT; k++) {
                    double s = d.b2[k] - d.y[i * OUT + k];
                    for (int j = 0; j < HIDDEN; j++) {
                        s += hi[j] * w2[j * OUT + k];
                    }
                    o[i * OUT + k] = 2 * s;
                }
            }
            // db2 = colsum dO; dW2 = H^T dO
            java.util.Arrays.fill(db2, 0);
            java.util.Arrays.fill(dw2, 0);
            for (int i = 0; i < BATCH; i++) {
                for (int k = 0; k < OUT; k++) {
                    db2[k] += o[i * OUT + k];
                }
                double[] hi = h[i];
                for (int j = 0; j < HIDDEN; j++) {
                    double a = hi[j];
                    int r = j * OUT;
                    for (int k = 0; k < OUT; k++) {
                        dw2[r + k] += a * o[i * OUT + k];
                    }
                }
            }
            // dZ = (dO W2^T) * (1 - H^2); db1 = colsum dZ
            java.util.Arrays.fill(db1, 0);
            for (int i = 0; i < BATCH; i++) {
                double[] hi = h[i];
                double[] zi = z[i];
                for (int j = 0; j < HIDDEN; j++) {
                    double s = 0;
                    for (int k = 0; k < OUT; k++) {
                        s += o[i * OUT + k] * w2[j * OUT + k];
                    }
                    double dz = s * (1 - hi[j] * hi[j]);
                    zi[j] = dz;
                    db1[j] += dz;
                }
            }
            // dW1 = X^T dZ, four rows of dW1 at a time: each stays in L1 while the batch is summed
            for (int p = 0; p < IN; p += 4) {
                double[] q0 = dw1[p];
                double[] q1 = dw1[p + 1];
                double[] q2 = dw1[p + 2];
                double[] q3 = dw1[p + 3];
                java.util.Arrays.fill(q0, 0);
                java.util.Arrays.fill(q1, 0);
                java.util.Arrays.fill(q2, 0);
                java.util.Arrays.fill(q3, 0);
                for (int i = 0; i < BATCH; i++) {
                    double a0 = x[i * IN + p];
                    double a1 = x[i * IN + p + 1];
                    double a2 = x[i * IN + p + 2];
                    double a3 = x[i * IN + p + 3];
                    double[] zi = z[i];
                    for (int j = 0; j < HIDDEN; j++) {
                        double g = zi[j];
                        q0[j] += a0 * g;
                        q1[j] += a1 * g;
                        q2[j] += a2 * g;
                        q3[j] += a3 * g;
                    }
                }
            }
        }
    }

    /** Gradient of {@code sum(tanh(W x + b)^2)}; results in dw (rows), dx, db. W is kept as rows (see {@link Mlp}). */
    public static final class Tanh {
        private final Problems.TanhData d;
        private final double[][] w;
        public final double[][] dw;
        public final double[] dx;
        public final double[] db;

        public Tanh(Problems.TanhData d) {
            this.d = d;
            int n = d.n;
            this.w = new double[n][];
            for (int i = 0; i < n; i++) {
                w[i] = java.util.Arrays.copyOfRange(d.w, i * n, (i + 1) * n);
            }
            this.dw = new double[n][n];
            this.dx = new double[n];
            this.db = new double[n];
        }

        public double[] dwFlat() {
            int n = d.n;
            double[] r = new double[n * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(dw[i], 0, r, i * n, n);
            }
            return r;
        }

        public void gradient() {
            final int n = d.n;
            final double[] x = d.x;
            // y = W x + b (four partial sums per row, so the dot product is not one serial chain);
            // g = dc/dy = 2 t (1 - t^2), t = tanh(y)
            for (int i = 0; i < n; i++) {
                double[] wi = w[i];
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int j = 0;
                for (; j + 3 < n; j += 4) {
                    s0 += wi[j] * x[j];
                    s1 += wi[j + 1] * x[j + 1];
                    s2 += wi[j + 2] * x[j + 2];
                    s3 += wi[j + 3] * x[j + 3];
                }
                for (; j < n; j++) {
                    s0 += wi[j] * x[j];
                }
                double t = Math.tanh(d.b[i] + ((s0 + s1) + (s2 + s3)));
                db[i] = 2 * t * (1 - t * t);
            }
            // dx = W^T g and dW = g x^T, in one pass over W's rows
            java.util.Arrays.fill(dx, 0);
            for (int i = 0; i < n; i++) {
                double g = db[i];
                double[] wi = w[i];
                double[] dwi = dw[i];
                for (int j = 0; j < n; j++) {
                    dx[j] += g * wi[j];
                    dwi[j] = g * x[j];
                }
            }
        }
    }
}
