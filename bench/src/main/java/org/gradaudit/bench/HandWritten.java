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

    /** Gradient of the MLP loss (see {@link Problems}); results in dw1, db1, dw2, db2. */
    public static final class Mlp {
        private final Problems.MlpData d;
        private final double[] z = new double[BATCH * HIDDEN];   // h = tanh(X W1 + b1), then dZ
        private final double[] h = new double[BATCH * HIDDEN];
        private final double[] o = new double[BATCH * OUT];      // O - Y, then dO
        public final double[] dw1 = new double[IN * HIDDEN];
        public final double[] db1 = new double[HIDDEN];
        public final double[] dw2 = new double[HIDDEN * OUT];
        public final double[] db2 = new double[OUT];

        public Mlp(Problems.MlpData d) {
            this.d = d;
        }

        public void gradient() {
            final double[] x = d.x;
            final double[] w1 = d.w1;
            final double[] w2 = d.w2;
            // Z = X W1 + b1, four rows of X at a time: each W1 row is read once per four output rows
            for (int i = 0; i < BATCH; i += 4) {
                int r0 = i * HIDDEN;
                int r1 = r0 + HIDDEN;
                int r2 = r1 + HIDDEN;
                int r3 = r2 + HIDDEN;
                for (int j = 0; j < HIDDEN; j++) {
                    double bj = d.b1[j];
                    z[r0 + j] = bj;
                    z[r1 + j] = bj;
                    z[r2 + j] = bj;
                    z[r3 + j] = bj;
                }
                for (int p = 0; p < IN; p++) {
                    double a0 = x[i * IN + p];
                    double a1 = x[(i + 1) * IN + p];
                    double a2 = x[(i + 2) * IN + p];
                    double a3 = x[(i + 3) * IN + p];
                    int wp = p * HIDDEN;
                    for (int j = 0; j < HIDDEN; j++) {
                        double w = w1[wp + j];
                        z[r0 + j] += a0 * w;
                        z[r1 + j] += a1 * w;
                        z[r2 + j] += a2 * w;
                        z[r3 + j] += a3 * w;
                    }
                }
            }
            for (int i = 0; i < h.length; i++) {
                h[i] = Math.tanh(z[i]);
            }
            // O = H W2 + b2 - Y; dO = 2 (O - Y)
            for (int i = 0; i < BATCH; i++) {
                for (int k = 0; k < OUT; k++) {
                    double s = d.b2[k] - d.y[i * OUT + k];
                    int hi = i * HIDDEN;
                    for (int j = 0; j < HIDDEN; j++) {
                        s += h[hi + j] * w2[j * OUT + k];
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
                for (int j = 0; j < HIDDEN; j++) {
                    double a = h[i * HIDDEN + j];
                    int r = j * OUT;
                    for (int k = 0; k < OUT; k++) {
                        dw2[r + k] += a * o[i * OUT + k];
                    }
                }
            }
            // dZ = (dO W2^T) * (1 - H^2); db1 = colsum dZ
            java.util.Arrays.fill(db1, 0);
            for (int i = 0; i < BATCH; i++) {
                for (int j = 0; j < HIDDEN; j++) {
                    double s = 0;
                    for (int k = 0; k < OUT; k++) {
                        s += o[i * OUT + k] * w2[j * OUT + k];
                    }
                    double hv = h[i * HIDDEN + j];
                    double dz = s * (1 - hv * hv);
                    z[i * HIDDEN + j] = dz;
                    db1[j] += dz;
                }
            }
            // dW1 = X^T dZ, four rows of dW1 at a time: each stays in L1 while the batch is summed
            for (int p = 0; p < IN; p += 4) {
                int q0 = p * HIDDEN;
                int q1 = q0 + HIDDEN;
                int q2 = q1 + HIDDEN;
                int q3 = q2 + HIDDEN;
                java.util.Arrays.fill(dw1, q0, q0 + 4 * HIDDEN, 0);
                for (int i = 0; i < BATCH; i++) {
                    double a0 = x[i * IN + p];
                    double a1 = x[i * IN + p + 1];
                    double a2 = x[i * IN + p + 2];
                    double a3 = x[i * IN + p + 3];
                    int zi = i * HIDDEN;
                    for (int j = 0; j < HIDDEN; j++) {
                        double g = z[zi + j];
                        dw1[q0 + j] += a0 * g;
                        dw1[q1 + j] += a1 * g;
                        dw1[q2 + j] += a2 * g;
                        dw1[q3 + j] += a3 * g;
                    }
                }
            }
        }
    }

    /** Gradient of {@code sum(tanh(W x + b)^2)}; results in dw, dx, db. */
    public static final class Tanh {
        private final Problems.TanhData d;
        public final double[] dw;
        public final double[] dx;
        public final double[] db;

        public Tanh(Problems.TanhData d) {
            this.d = d;
            this.dw = new double[d.n * d.n];
            this.dx = new double[d.n];
            this.db = new double[d.n];
        }

        public void gradient() {
            final int n = d.n;
            final double[] w = d.w;
            final double[] x = d.x;
            // y = W x + b (four partial sums per row, so the dot product is not one serial chain);
            // g = dc/dy = 2 t (1 - t^2), t = tanh(y)
            for (int i = 0; i < n; i++) {
                int r = i * n;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int j = 0;
                for (; j + 3 < n; j += 4) {
                    s0 += w[r + j] * x[j];
                    s1 += w[r + j + 1] * x[j + 1];
                    s2 += w[r + j + 2] * x[j + 2];
                    s3 += w[r + j + 3] * x[j + 3];
                }
                for (; j < n; j++) {
                    s0 += w[r + j] * x[j];
                }
                double t = Math.tanh(d.b[i] + ((s0 + s1) + (s2 + s3)));
                db[i] = 2 * t * (1 - t * t);
            }
            // dx = W^T g and dW = g x^T, in one pass over W's rows
            java.util.Arrays.fill(dx, 0);
            for (int i = 0; i < n; i++) {
                double g = db[i];
                int r = i * n;
                for (int j = 0; j < n; j++) {
                    dx[j] += g * w[r + j];
                    dw[r + j] = g * x[j];
                }
            }
        }
    }
}
