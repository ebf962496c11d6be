package org.gradaudit.core.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix product, loaded only when {@code jdk.incubator.vector} is present. Column panels
 * of B, two vectors wide, are packed contiguously (when enough rows of A will sweep them); each
 * panel is swept by blocks of four rows of A held in eight vector accumulators, so every B load
 * feeds four FMAs. Each element still sees
 * {@code fma} in increasing p from 0, as in {@link Gemm#scalar}.
 */
final class VectorGemm {
    private VectorGemm() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int W = 2 * L;                  // panel width

    /** Rows of B per packed panel: a panel of KC x W doubles stays in the L1 cache. */
    private static final int KC = 256;

    /** Rows of A per block: a block's KC-wide slice of A (MC x KC doubles) stays in the L2 cache. */
    private static final int MC = 96;

    static void gemm(double[] a, int ao, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        int panels = n / W;
        // packing pays off when several row blocks sweep a panel; a row or a few read B in place
        boolean pack = m >= 8;
        int kcMax = Math.min(k, KC);
        double[] packed = pack && panels > 0 ? new double[panels * kcMax * W] : null;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            int kc = p1 - p0;
            boolean first = p0 == 0;             // later blocks continue each element's fma chain from C
            if (pack) {
                for (int jp = 0; jp < panels; jp++) {
                    for (int p = p0; p < p1; p++) {
                        System.arraycopy(b, bo + p * n + jp * W, packed, (jp * kc + p - p0) * W, W);
                    }
                }
            }
            // row blocks outside, panels inside: the A slice of a row block is reused by every panel
            for (int i0 = 0; i0 < m; i0 += MC) {
                int iEnd = Math.min(m, i0 + MC);
                for (int jp = 0; jp < panels; jp++) {
                    int j0 = jp * W;
                    double[] src = b;
                    int base = bo + j0;
                    int stride = n;
                    if (pack) {
                        src = packed;
                        base = jp * kc * W - p0 * W;
                        stride = W;
                    }
                    int i = i0;
                    for (; i + 6 <= iEnd; i += 6) {
                        block6(a, ao + i * k, k, p0, p1, first, src, base, stride, c, co + i * n + j0, n);
                    }
                    for (; i + 4 <= iEnd; i += 4) {
                        block4(a, ao + i * k, k, p0, p1, first, src, base, stride, c, co + i * n + j0, n);
                    }
                    for (; i < iEnd; i++) {
                        block1(a, ao + i * k, p0, p1, first, src, base, stride, c, co + i * n + j0);
                    }
                }
            }
        }
        int j0 = panels * W;
        if (j0 + L <= n) {
            // one more panel, one vector wide
            for (int i = 0; i < m; i++) {
                narrow(a, ao + i * k, k, b, bo + j0, n, c, co + i * n + j0);
            }
            j0 += L;
        }
        if (j0 < n) {
            // the remaining columns: the scalar loop, same order per element
            for (int i = 0; i < m; i++) {
                for (int j = j0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(a[ao + i * k + p], b[bo + p * n + j], s);
                    }
                    c[co + i * n + j] = s;
                }
            }
        }
    }

    /** One row of A times a one-vector-wide strip of B read in place: fma in increasing p from 0. */
    private static void narrow(double[] a, int a0, int k, double[] b, int b0, int n, double[] c, int c0) {
        DoubleVector acc = DoubleVector.zero(S);
        for (int p = 0; p < k; p++) {
            acc = DoubleVector.broadcast(S, a[a0 + p]).fma(DoubleVector.fromArray(S, b, b0 + p * n), acc);
        }
        acc.intoArray(c, c0);
    }

    private static DoubleVector start(boolean first, double[] c, int at) {
        return first ? DoubleVector.zero(S) : DoubleVector.fromArray(S, c, at);
    }

    private static void block4(double[] a, int a0, int k, int p0, int p1, boolean first, double[] pack, int base,
            int stride, double[] c, int c0, int n) {
        DoubleVector c00 = start(first, c, c0);
        DoubleVector c01 = start(first, c, c0 + L);
        DoubleVector c10 = start(first, c, c0 + n);
        DoubleVector c11 = start(first, c, c0 + n + L);
        DoubleVector c20 = start(first, c, c0 + 2 * n);
        DoubleVector c21 = start(first, c, c0 + 2 * n + L);
        DoubleVector c30 = start(first, c, c0 + 3 * n);
        DoubleVector c31 = start(first, c, c0 + 3 * n + L);
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        for (int p = p0; p < p1; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, pack, base + p * stride);
            DoubleVector b1 = DoubleVector.fromArray(S, pack, base + p * stride + L);
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + p]);
            DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + p]);
            DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + p]);
            DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + p]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + n);
        c11.intoArray(c, c0 + n + L);
        c20.intoArray(c, c0 + 2 * n);
        c21.intoArray(c, c0 + 2 * n + L);
        c30.intoArray(c, c0 + 3 * n);
        c31.intoArray(c, c0 + 3 * n + L);
    }

    private static void block6(double[] a, int a0, int k, int p0, int p1, boolean first, double[] pack, int base,
            int stride, double[] c, int c0, int n) {
        DoubleVector c00 = start(first, c, c0);
        DoubleVector c01 = start(first, c, c0 + L);
        DoubleVector c10 = start(first, c, c0 + n);
        DoubleVector c11 = start(first, c, c0 + n + L);
        DoubleVector c20 = start(first, c, c0 + 2 * n);
        DoubleVector c21 = start(first, c, c0 + 2 * n + L);
        DoubleVector c30 = start(first, c, c0 + 3 * n);
        DoubleVector c31 = start(first, c, c0 + 3 * n + L);
        DoubleVector c40 = start(first, c, c0 + 4 * n);
        DoubleVector c41 = start(first, c, c0 + 4 * n + L);
        DoubleVector c50 = start(first, c, c0 + 5 * n);
        DoubleVector c51 = start(first, c, c0 + 5 * n + L);
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int a4 = a3 + k;
        int a5 = a4 + k;
        for (int p = p0; p < p1; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, pack, base + p * stride);
            DoubleVector b1 = DoubleVector.fromArray(S, pack, base + p * stride + L);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + n);
        c11.intoArray(c, c0 + n + L);
        c20.intoArray(c, c0 + 2 * n);
        c21.intoArray(c, c0 + 2 * n + L);
        c30.intoArray(c, c0 + 3 * n);
        c31.intoArray(c, c0 + 3 * n + L);
        c40.intoArray(c, c0 + 4 * n);
        c41.intoArray(c, c0 + 4 * n + L);
        c50.intoArray(c, c0 + 5 * n);
        c51.intoArray(c, c0 + 5 * n + L);
    }

    private static void block1(double[] a, int a0, int p0, int p1, boolean first, double[] pack, int base, int stride,
            double[] c, int c0) {
        DoubleVector c0v = start(first, c, c0);
        DoubleVector c1v = start(first, c, c0 + L);
        for (int p = p0; p < p1; p++) {
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + p]);
            c0v = x.fma(DoubleVector.fromArray(S, pack, base + p * stride), c0v);
            c1v = x.fma(DoubleVector.fromArray(S, pack, base + p * stride + L), c1v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + L);
    }

    /** The canonical inner product of {@link Gemm#dot}: eight partial sums held in 8 / L vectors. */
    static double dot(double[] a, int ao, double[] b, int bo, int k) {
        int k8 = k - k % 8;
        double[] lanes = new double[8];
        if (L == 8) {
            DoubleVector acc = DoubleVector.zero(S);
            for (int p = 0; p < k8; p += 8) {
                acc = DoubleVector.fromArray(S, a, ao + p).fma(DoubleVector.fromArray(S, b, bo + p), acc);
            }
            acc.intoArray(lanes, 0);
        } else if (L == 4) {
            DoubleVector lo = DoubleVector.zero(S);
            DoubleVector hi = DoubleVector.zero(S);
            for (int p = 0; p < k8; p += 8) {
                lo = DoubleVector.fromArray(S, a, ao + p).fma(DoubleVector.fromArray(S, b, bo + p), lo);
                hi = DoubleVector.fromArray(S, a, ao + p + 4).fma(DoubleVector.fromArray(S, b, bo + p + 4), hi);
            }
            lo.intoArray(lanes, 0);
            hi.intoArray(lanes, 4);
        } else {
            return Gemm.scalarDot(a, ao, b, bo, k);
        }
        double s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        for (int p = k8; p < k; p++) {
            s = Math.fma(a[ao + p], b[bo + p], s);
        }
        return s;
    }

    /** Checks the kernel against the scalar loop on a small product before it is trusted. */
    static boolean selfTest() {
        int m = 9;
        int k = KC + 7;
        int n = 2 * W + 3;
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.sin(i + 1) * 3;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.cos(i + 2) / 7;
        }
        double[] x = new double[m * n];
        double[] y = new double[m * n];
        gemm(a, 0, b, 0, x, 0, m, k, n);
        Gemm.scalar(a, 0, b, 0, y, 0, m, k, n);
        return java.util.Arrays.equals(x, y) && dot(a, 0, b, 0, 2 * W + 5) == Gemm.scalarDot(a, 0, b, 0, 2 * W + 5);
    }
}
