package org.gradaudit.core.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix product, loaded only when {@code jdk.incubator.vector} is present. Every element
 * still sees {@code fma} in increasing p from 0, as in {@link Gemm#scalar}: blocking over k only
 * stores an element's running sum in C and continues its chain from there.
 *
 * <p>Products with at least {@link #MR} rows use packed copies: for each block of {@link #KC}
 * rows of B (k-block) and {@link #MC} rows of A, A is packed into micro-panels of MR rows (p-major,
 * the MR values of one p together, zero-padded rows), and for each block of at most {@link #NC}
 * columns B into panels {@link #NR} columns wide (p-major, zero-padded to whole vectors). A
 * micro-kernel keeps an MR x NR tile of C in MR x NV vector registers (24 of the 32 AVX-512
 * registers), broadcasts one A value per row and loads NV vectors of B per p, and adds one k-block's
 * products in increasing p: the first k-block starts the tile at +0, later ones continue from C.
 * Micro-panel rows are the outer loop, so the A micro-panel (MR x KC) stays in L1 while the B block
 * (KC x NC, in L2) streams past it and C is walked along its rows. Tiles at the bottom and right
 * edges go through a small buffer, so the kernel never touches memory outside C's region. Fewer
 * rows use the unpacked kernels below.
 */
final class VectorGemm {
    private VectorGemm() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * Rows of a micro-tile, and vectors per row of one: 8 x 3 with 8-lane vectors (AVX-512, 32
     * registers), 6 x 2 with narrower ones (AVX2 has only 16 registers).
     */
    static final int MR = L >= 8 ? 8 : 6;
    private static final int NV = L >= 8 ? 3 : 2;
    private static final int NR = NV * L;

    /** Rows of B per k-block: an A micro-panel (MR x KC doubles, at most 12 KiB) stays in L1; tuned by JMH. */
    private static final int KC = 192;

    /** Rows of A per row block (a multiple of MR): bounds the A packing buffer (MC x KC doubles). */
    private static final int MC = 1008;

    /** At most this many columns per column block: a packed B block (KC x NC doubles, at most 768 KiB) stays in L2. */
    private static final int NC = 512;

    static void gemm(double[] a, int ao, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        if (m < MR) {
            rows(a, ao, b, bo, c, co, m, k, n);
        } else {
            packed(a, ao, b, bo, c, co, m, k, n);
        }
    }

    /**
     * Each thread's packing buffers, kept between calls (zeroing a fresh megabyte costs as much as
     * packing it) and given back to the collector under memory pressure. The packing writes every
     * entry the kernel reads, so stale contents never matter.
     */
    private static final ThreadLocal<java.lang.ref.SoftReference<double[][]>> BUFFERS = new ThreadLocal<>();

    /** {A pack, B pack, edge tile}, at least the given lengths. */
    private static double[][] buffers(int aLength, int bLength) {
        java.lang.ref.SoftReference<double[][]> ref = BUFFERS.get();
        double[][] bufs = ref == null ? null : ref.get();
        if (bufs == null || bufs[0].length < aLength || bufs[1].length < bLength) {
            int a0 = bufs == null ? 0 : bufs[0].length;
            int b0 = bufs == null ? 0 : bufs[1].length;
            bufs = new double[][] {new double[Math.max(a0, aLength)], new double[Math.max(b0, bLength)],
                new double[MR * NR]};
            BUFFERS.set(new java.lang.ref.SoftReference<>(bufs));
        }
        return bufs;
    }

    private static int roundUp(int x, int q) {
        return (x + q - 1) / q * q;
    }

    private static void packed(double[] a, int ao, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        packed(a, ao, k, 1, b, bo, c, co, m, k, n);
    }

    /**
     * {@code C = A^T B} for A stored k x m (row stride {@code lda}), m >= MR: the packed product
     * with the micro-panels of A gathered from its columns, so each element keeps the chain of
     * {@link #gemm} and the result has the bits of transposing A first.
     */
    static void packedTransA(double[] a, int ao, int lda, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        packed(a, ao, 1, lda, b, bo, c, co, m, k, n);
    }

    /** The packed product; element (i, p) of A is {@code a[ao + i * rs + p * ps]}. */
    private static void packed(double[] a, int ao, int rs, int ps, double[] b, int bo, double[] c, int co, int m, int k,
            int n) {
        int kcMax = Math.min(k, KC);
        int mcMax = Math.min(roundUp(m, MR), MC);
        int ncBlocks = (n + NC - 1) / NC;
        int ncMax = roundUp((n + ncBlocks - 1) / ncBlocks, NR);     // column blocks of (nearly) equal width
        double[][] buffers = buffers(mcMax * kcMax, kcMax * Math.min(ncMax, roundUp(n, L)));
        double[] pa = buffers[0];
        double[] pb = buffers[1];
        double[] edge = buffers[2];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean first = pc == 0;            // later k-blocks continue each element's chain from C
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                packA(a, ao + ic * rs + pc * ps, rs, ps, mc, kc, pa);
                for (int jc = 0; jc < n; jc += ncMax) {
                    int nc = Math.min(ncMax, n - jc);
                    packB(b, bo + pc * n + jc, n, kc, nc, pb);
                    // an A micro-panel stays in L1 while the B block streams past it from L2
                    for (int ir = 0; ir < mc; ir += MR) {
                        int h = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int at = co + (ic + ir) * n + jc + jr;
                            step(first, kc, pa, ir * kc, pb, jr * kc, c, at, n, h, Math.min(NR, nc - jr), edge);
                        }
                    }
                }
            }
        }
    }

    /** One micro-tile: h x w of C at {@code at}; through the edge buffer unless it is a whole tile. */
    private static void step(boolean first, int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int at, int n,
            int h, int w, double[] edge) {
        int nv = (w + L - 1) / L;
        if (h == MR && w == nv * L) {
            tile(nv, first, kc, pa, ia, pb, ib, c, at, n);
        } else {
            if (!first) {
                for (int r = 0; r < h; r++) {
                    System.arraycopy(c, at + r * n, edge, r * NR, w);
                }
            }
            tile(nv, first, kc, pa, ia, pb, ib, edge, 0, NR);
            for (int r = 0; r < h; r++) {
                System.arraycopy(edge, r * NR, c, at + r * n, w);
            }
        }
    }

    /**
     * Packs the kc x nc block of B at {@code src} (row stride n) into panels of NR columns, the
     * last one as many whole vectors as it needs, each p-major and zero-padded: panel jr starts at
     * jr * kc.
     */
    private static void packB(double[] b, int src, int n, int kc, int nc, double[] pb) {
        int jr = 0;
        for (; jr + NR <= nc; jr += NR) {
            int to = jr * kc;
            for (int p = 0; p < kc; p++) {
                for (int v = 0; v < NR; v += L) {
                    DoubleVector.fromArray(S, b, src + p * n + jr + v).intoArray(pb, to + p * NR + v);
                }
            }
        }
        if (jr < nc) {
            int w = nc - jr;
            int pw = roundUp(w, L);
            int to = jr * kc;
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, src + p * n + jr, pb, to + p * pw, w);
                for (int j = w; j < pw; j++) {
                    pb[to + p * pw + j] = 0.0;
                }
            }
        }
    }

    /**
     * Packs the mc x kc block of A at {@code src} (element (i, p) at {@code src + i * rs + p * ps})
     * into micro-panels of MR rows, each p-major (the MR values of one p together) and zero-padded:
     * micro-panel ir starts at ir * kc.
     */
    private static void packA(double[] a, int src, int rs, int ps, int mc, int kc, double[] pa) {
        int ir = 0;
        if (rs == 1) {                            // a transposed A: the MR values of one p are contiguous
            for (; ir + MR <= mc; ir += MR) {
                int to = ir * kc;
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, src + p * ps + ir, pa, to + p * MR, MR);
                }
            }
        }
        int k = rs;
        for (; ps == 1 && MR == 8 && ir + 8 <= mc; ir += 8) {
            int to = ir * kc;
            int s0 = src + ir * k;
            int s1 = s0 + k;
            int s2 = s1 + k;
            int s3 = s2 + k;
            int s4 = s3 + k;
            int s5 = s4 + k;
            int s6 = s5 + k;
            int s7 = s6 + k;
            for (int p = 0; p < kc; p++) {
                int d = to + p * 8;
                pa[d] = a[s0 + p];
                pa[d + 1] = a[s1 + p];
                pa[d + 2] = a[s2 + p];
                pa[d + 3] = a[s3 + p];
                pa[d + 4] = a[s4 + p];
                pa[d + 5] = a[s5 + p];
                pa[d + 6] = a[s6 + p];
                pa[d + 7] = a[s7 + p];
            }
        }
        for (; ir < mc; ir += MR) {
            int h = Math.min(MR, mc - ir);
            int to = ir * kc;
            for (int r = 0; r < MR; r++) {
                int from = src + (ir + r) * rs;
                for (int p = 0; p < kc; p++) {
                    pa[to + p * MR + r] = r < h ? a[from + p * ps] : 0.0;
                }
            }
        }
    }

    /** C tile (at ic, row stride ldc) += A micro-panel (at ia) x B micro-panel (at ib, nv vectors wide). */
    private static void tile(int nv, boolean first, int kc, double[] pa, int ia, double[] pb, int ib, double[] c,
            int ic, int ldc) {
        if (MR == 8) {
            switch (nv) {
                case 1:
                    k8x1(first, kc, pa, ia, pb, ib, c, ic, ldc);
                    break;
                case 2:
                    k8x2(first, kc, pa, ia, pb, ib, c, ic, ldc);
                    break;
                case 3:
                    k8x3(first, kc, pa, ia, pb, ib, c, ic, ldc);
                    break;
                default:
                    throw new IllegalArgumentException("panel of " + nv + " vectors");
            }
        } else {
            switch (nv) {
                case 1:
                    k6x1(first, kc, pa, ia, pb, ib, c, ic, ldc);
                    break;
                case 2:
                    k6x2(first, kc, pa, ia, pb, ib, c, ic, ldc);
                    break;
                default:
                    throw new IllegalArgumentException("panel of " + nv + " vectors");
            }
        }
    }

    /** 8 rows x 1 vector: fma in increasing p, from +0 (first k-block) or from C. */
    private static void k8x1(boolean first, int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int ic,
            int ldc) {
        DoubleVector c0_0 = start(first, c, ic);
        DoubleVector c1_0 = start(first, c, ic + ldc);
        DoubleVector c2_0 = start(first, c, ic + 2 * ldc);
        DoubleVector c3_0 = start(first, c, ic + 3 * ldc);
        DoubleVector c4_0 = start(first, c, ic + 4 * ldc);
        DoubleVector c5_0 = start(first, c, ic + 5 * ldc);
        DoubleVector c6_0 = start(first, c, ic + 6 * ldc);
        DoubleVector c7_0 = start(first, c, ic + 7 * ldc);
        for (int p = 0; p < kc; p++) {
            int bp = ib + p * 1 * L;
            int ap = ia + p * 8;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
            DoubleVector x0 = DoubleVector.broadcast(S, pa[ap]);
            c0_0 = x0.fma(b0, c0_0);
            DoubleVector x1 = DoubleVector.broadcast(S, pa[ap + 1]);
            c1_0 = x1.fma(b0, c1_0);
            DoubleVector x2 = DoubleVector.broadcast(S, pa[ap + 2]);
            c2_0 = x2.fma(b0, c2_0);
            DoubleVector x3 = DoubleVector.broadcast(S, pa[ap + 3]);
            c3_0 = x3.fma(b0, c3_0);
            DoubleVector x4 = DoubleVector.broadcast(S, pa[ap + 4]);
            c4_0 = x4.fma(b0, c4_0);
            DoubleVector x5 = DoubleVector.broadcast(S, pa[ap + 5]);
            c5_0 = x5.fma(b0, c5_0);
            DoubleVector x6 = DoubleVector.broadcast(S, pa[ap + 6]);
            c6_0 = x6.fma(b0, c6_0);
            DoubleVector x7 = DoubleVector.broadcast(S, pa[ap + 7]);
            c7_0 = x7.fma(b0, c7_0);
        }
        c0_0.intoArray(c, ic);
        c1_0.intoArray(c, ic + ldc);
        c2_0.intoArray(c, ic + 2 * ldc);
        c3_0.intoArray(c, ic + 3 * ldc);
        c4_0.intoArray(c, ic + 4 * ldc);
        c5_0.intoArray(c, ic + 5 * ldc);
        c6_0.intoArray(c, ic + 6 * ldc);
        c7_0.intoArray(c, ic + 7 * ldc);
    }

    /** 8 rows x 2 vectors: fma in increasing p, from +0 (first k-block) or from C. */
    private static void k8x2(boolean first, int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int ic,
            int ldc) {
        DoubleVector c0_0 = start(first, c, ic);
        DoubleVector c0_1 = start(first, c, ic + L);
        DoubleVector c1_0 = start(first, c, ic + ldc);
        DoubleVector c1_1 = start(first, c, ic + ldc + L);
        DoubleVector c2_0 = start(first, c, ic + 2 * ldc);
        DoubleVector c2_1 = start(first, c, ic + 2 * ldc + L);
        DoubleVector c3_0 = start(first, c, ic + 3 * ldc);
        DoubleVector c3_1 = start(first, c, ic + 3 * ldc + L);
        DoubleVector c4_0 = start(first, c, ic + 4 * ldc);
        DoubleVector c4_1 = start(first, c, ic + 4 * ldc + L);
        DoubleVector c5_0 = start(first, c, ic + 5 * ldc);
        DoubleVector c5_1 = start(first, c, ic + 5 * ldc + L);
        DoubleVector c6_0 = start(first, c, ic + 6 * ldc);
        DoubleVector c6_1 = start(first, c, ic + 6 * ldc + L);
        DoubleVector c7_0 = start(first, c, ic + 7 * ldc);
        DoubleVector c7_1 = start(first, c, ic + 7 * ldc + L);
        for (int p = 0; p < kc; p++) {
            int bp = ib + p * 2 * L;
            int ap = ia + p * 8;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, pb, bp + L);
            DoubleVector x0 = DoubleVector.broadcast(S, pa[ap]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            DoubleVector x1 = DoubleVector.broadcast(S, pa[ap + 1]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            DoubleVector x2 = DoubleVector.broadcast(S, pa[ap + 2]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            DoubleVector x3 = DoubleVector.broadcast(S, pa[ap + 3]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            DoubleVector x4 = DoubleVector.broadcast(S, pa[ap + 4]);
            c4_0 = x4.fma(b0, c4_0);
            c4_1 = x4.fma(b1, c4_1);
            DoubleVector x5 = DoubleVector.broadcast(S, pa[ap + 5]);
            c5_0 = x5.fma(b0, c5_0);
            c5_1 = x5.fma(b1, c5_1);
            DoubleVector x6 = DoubleVector.broadcast(S, pa[ap + 6]);
            c6_0 = x6.fma(b0, c6_0);
            c6_1 = x6.fma(b1, c6_1);
            DoubleVector x7 = DoubleVector.broadcast(S, pa[ap + 7]);
            c7_0 = x7.fma(b0, c7_0);
            c7_1 = x7.fma(b1, c7_1);
        }
        c0_0.intoArray(c, ic);
        c0_1.intoArray(c, ic + L);
        c1_0.intoArray(c, ic + ldc);
        c1_1.intoArray(c, ic + ldc + L);
        c2_0.intoArray(c, ic + 2 * ldc);
        c2_1.intoArray(c, ic + 2 * ldc + L);
        c3_0.intoArray(c, ic + 3 * ldc);
        c3_1.intoArray(c, ic + 3 * ldc + L);
        c4_0.intoArray(c, ic + 4 * ldc);
        c4_1.intoArray(c, ic + 4 * ldc + L);
        c5_0.intoArray(c, ic + 5 * ldc);
        c5_1.intoArray(c, ic + 5 * ldc + L);
        c6_0.intoArray(c, ic + 6 * ldc);
        c6_1.intoArray(c, ic + 6 * ldc + L);
        c7_0.intoArray(c, ic + 7 * ldc);
        c7_1.intoArray(c, ic + 7 * ldc + L);
    }

    /** 8 rows x 3 vectors: fma in increasing p, from +0 (first k-block) or from C. */
    private static void k8x3(boolean first, int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int ic,
            int ldc) {
        DoubleVector c0_0 = start(first, c, ic);
        DoubleVector c0_1 = start(first, c, ic + L);
        DoubleVector c0_2 = start(first, c, ic + 2 * L);
        DoubleVector c1_0 = start(first, c, ic + ldc);
        DoubleVector c1_1 = start(first, c, ic + ldc + L);
        DoubleVector c1_2 = start(first, c, ic + ldc + 2 * L);
        DoubleVector c2_0 = start(first, c, ic + 2 * ldc);
        DoubleVector c2_1 = start(first, c, ic + 2 * ldc + L);
        DoubleVector c2_2 = start(first, c, ic + 2 * ldc + 2 * L);
        DoubleVector c3_0 = start(first, c, ic + 3 * ldc);
        DoubleVector c3_1 = start(first, c, ic + 3 * ldc + L);
        DoubleVector c3_2 = start(first, c, ic + 3 * ldc + 2 * L);
        DoubleVector c4_0 = start(first, c, ic + 4 * ldc);
        DoubleVector c4_1 = start(first, c, ic + 4 * ldc + L);
        DoubleVector c4_2 = start(first, c, ic + 4 * ldc + 2 * L);
        DoubleVector c5_0 = start(first, c, ic + 5 * ldc);
        DoubleVector c5_1 = start(first, c, ic + 5 * ldc + L);
        DoubleVector c5_2 = start(first, c, ic + 5 * ldc + 2 * L);
        DoubleVector c6_0 = start(first, c, ic + 6 * ldc);
        DoubleVector c6_1 = start(first, c, ic + 6 * ldc + L);
        DoubleVector c6_2 = start(first, c, ic + 6 * ldc + 2 * L);
        DoubleVector c7_0 = start(first, c, ic + 7 * ldc);
        DoubleVector c7_1 = start(first, c, ic + 7 * ldc + L);
        DoubleVector c7_2 = start(first, c, ic + 7 * ldc + 2 * L);
        for (int p = 0; p < kc; p++) {
            int bp = ib + p * 3 * L;
            int ap = ia + p * 8;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, pb, bp + L);
            DoubleVector b2 = DoubleVector.fromArray(S, pb, bp + 2 * L);
            DoubleVector x0 = DoubleVector.broadcast(S, pa[ap]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            c0_2 = x0.fma(b2, c0_2);
            DoubleVector x1 = DoubleVector.broadcast(S, pa[ap + 1]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            c1_2 = x1.fma(b2, c1_2);
            DoubleVector x2 = DoubleVector.broadcast(S, pa[ap + 2]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            c2_2 = x2.fma(b2, c2_2);
            DoubleVector x3 = DoubleVector.broadcast(S, pa[ap + 3]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            c3_2 = x3.fma(b2, c3_2);
            DoubleVector x4 = DoubleVector.broadcast(S, pa[ap + 4]);
            c4_0 = x4.fma(b0, c4_0);
            c4_1 = x4.fma(b1, c4_1);
            c4_2 = x4.fma(b2, c4_2);
            DoubleVector x5 = DoubleVector.broadcast(S, pa[ap + 5]);
            c5_0 = x5.fma(b0, c5_0);
            c5_1 = x5.fma(b1, c5_1);
            c5_2 = x5.fma(b2, c5_2);
            DoubleVector x6 = DoubleVector.broadcast(S, pa[ap + 6]);
            c6_0 = x6.fma(b0, c6_0);
            c6_1 = x6.fma(b1, c6_1);
            c6_2 = x6.fma(b2, c6_2);
            DoubleVector x7 = DoubleVector.broadcast(S, pa[ap + 7]);
            c7_0 = x7.fma(b0, c7_0);
            c7_1 = x7.fma(b1, c7_1);
            c7_2 = x7.fma(b2, c7_2);
        }
        c0_0.intoArray(c, ic);
        c0_1.intoArray(c, ic + L);
        c0_2.intoArray(c, ic + 2 * L);
        c1_0.intoArray(c, ic + ldc);
        c1_1.intoArray(c, ic + ldc + L);
        c1_2.intoArray(c, ic + ldc + 2 * L);
        c2_0.intoArray(c, ic + 2 * ldc);
        c2_1.intoArray(c, ic + 2 * ldc + L);
        c2_2.intoArray(c, ic + 2 * ldc + 2 * L);
        c3_0.intoArray(c, ic + 3 * ldc);
        c3_1.intoArray(c, ic + 3 * ldc + L);
        c3_2.intoArray(c, ic + 3 * ldc + 2 * L);
        c4_0.intoArray(c, ic + 4 * ldc);
        c4_1.intoArray(c, ic + 4 * ldc + L);
        c4_2.intoArray(c, ic + 4 * ldc + 2 * L);
        c5_0.intoArray(c, ic + 5 * ldc);
        c5_1.intoArray(c, ic + 5 * ldc + L);
        c5_2.intoArray(c, ic + 5 * ldc + 2 * L);
        c6_0.intoArray(c, ic + 6 * ldc);
        c6_1.intoArray(c, ic + 6 * ldc + L);
        c6_2.intoArray(c, ic + 6 * ldc + 2 * L);
        c7_0.intoArray(c, ic + 7 * ldc);
        c7_1.intoArray(c, ic + 7 * ldc + L);
        c7_2.intoArray(c, ic + 7 * ldc + 2 * L);
    }

    /** 6 rows x 1 vector: fma in increasing p, from +0 (first k-block) or from C. */
    private static void k6x1(boolean first, int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int ic,
            int ldc) {
        DoubleVector c0_0 = start(first, c, ic);
        DoubleVector c1_0 = start(first, c, ic + ldc);
        DoubleVector c2_0 = start(first, c, ic + 2 * ldc);
        DoubleVector c3_0 = start(first, c, ic + 3 * ldc);
        DoubleVector c4_0 = start(first, c, ic + 4 * ldc);
        DoubleVector c5_0 = start(first, c, ic + 5 * ldc);
        for (int p = 0; p < kc; p++) {
            int bp = ib + p * 1 * L;
            int ap = ia + p * 6;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
            DoubleVector x0 = DoubleVector.broadcast(S, pa[ap]);
            c0_0 = x0.fma(b0, c0_0);
            DoubleVector x1 = DoubleVector.broadcast(S, pa[ap + 1]);
            c1_0 = x1.fma(b0, c1_0);
            DoubleVector x2 = DoubleVector.broadcast(S, pa[ap + 2]);
            c2_0 = x2.fma(b0, c2_0);
            DoubleVector x3 = DoubleVector.broadcast(S, pa[ap + 3]);
            c3_0 = x3.fma(b0, c3_0);
            DoubleVector x4 = DoubleVector.broadcast(S, pa[ap + 4]);
            c4_0 = x4.fma(b0, c4_0);
            DoubleVector x5 = DoubleVector.broadcast(S, pa[ap + 5]);
            c5_0 = x5.fma(b0, c5_0);
        }
        c0_0.intoArray(c, ic);
        c1_0.intoArray(c, ic + ldc);
        c2_0.intoArray(c, ic + 2 * ldc);
        c3_0.intoArray(c, ic + 3 * ldc);
        c4_0.intoArray(c, ic + 4 * ldc);
        c5_0.intoArray(c, ic + 5 * ldc);
    }

    /** 6 rows x 2 vectors: fma in increasing p, from +0 (first k-block) or from C. */
    private static void k6x2(boolean first, int kc, double[] pa, int ia, double[] pb, int ib, double[] c, int ic,
            int ldc) {
        DoubleVector c0_0 = start(first, c, ic);
        DoubleVector c0_1 = start(first, c, ic + L);
        DoubleVector c1_0 = start(first, c, ic + ldc);
        DoubleVector c1_1 = start(first, c, ic + ldc + L);
        DoubleVector c2_0 = start(first, c, ic + 2 * ldc);
        DoubleVector c2_1 = start(first, c, ic + 2 * ldc + L);
        DoubleVector c3_0 = start(first, c, ic + 3 * ldc);
        DoubleVector c3_1 = start(first, c, ic + 3 * ldc + L);
        DoubleVector c4_0 = start(first, c, ic + 4 * ldc);
        DoubleVector c4_1 = start(first, c, ic + 4 * ldc + L);
        DoubleVector c5_0 = start(first, c, ic + 5 * ldc);
        DoubleVector c5_1 = start(first, c, ic + 5 * ldc + L);
        for (int p = 0; p < kc; p++) {
            int bp = ib + p * 2 * L;
            int ap = ia + p * 6;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, pb, bp + L);
            DoubleVector x0 = DoubleVector.broadcast(S, pa[ap]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            DoubleVector x1 = DoubleVector.broadcast(S, pa[ap + 1]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            DoubleVector x2 = DoubleVector.broadcast(S, pa[ap + 2]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            DoubleVector x3 = DoubleVector.broadcast(S, pa[ap + 3]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            DoubleVector x4 = DoubleVector.broadcast(S, pa[ap + 4]);
            c4_0 = x4.fma(b0, c4_0);
            c4_1 = x4.fma(b1, c4_1);
            DoubleVector x5 = DoubleVector.broadcast(S, pa[ap + 5]);
            c5_0 = x5.fma(b0, c5_0);
            c5_1 = x5.fma(b1, c5_1);
        }
        c0_0.intoArray(c, ic);
        c0_1.intoArray(c, ic + L);
        c1_0.intoArray(c, ic + ldc);
        c1_1.intoArray(c, ic + ldc + L);
        c2_0.intoArray(c, ic + 2 * ldc);
        c2_1.intoArray(c, ic + 2 * ldc + L);
        c3_0.intoArray(c, ic + 3 * ldc);
        c3_1.intoArray(c, ic + 3 * ldc + L);
        c4_0.intoArray(c, ic + 4 * ldc);
        c4_1.intoArray(c, ic + 4 * ldc + L);
        c5_0.intoArray(c, ic + 5 * ldc);
        c5_1.intoArray(c, ic + 5 * ldc + L);
    }

    /** Fewer than MR rows: B read in place, blocks of six, four and one rows; the last columns narrower. */
    private static void rows(double[] a, int ao, double[] b, int bo, double[] c, int co, int m, int k, int n) {
        int w2 = 2 * L;
        int panels = n / w2;
        for (int jp = 0; jp < panels; jp++) {
            int j0 = jp * w2;
            int i = 0;
            for (; i + 6 <= m; i += 6) {
                block6(a, ao + i * k, k, 0, k, true, b, bo + j0, n, c, co + i * n + j0, n);
            }
            for (; i + 4 <= m; i += 4) {
                block4(a, ao + i * k, k, 0, k, true, b, bo + j0, n, c, co + i * n + j0, n);
            }
            for (; i < m; i++) {
                block1(a, ao + i * k, 0, k, true, b, bo + j0, n, c, co + i * n + j0);
            }
        }
        int j0 = panels * w2;
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
        int m = MR + 3;
        int k = KC + 7;
        int n = 2 * NR + L + 3;
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.sin(i + 1) * 3;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.cos(i + 2) / 7;
        }
        for (int rows : new int[] {m, MR - 1}) {        // the packed kernel, then the unpacked one
            double[] x = new double[rows * n];
            double[] y = new double[rows * n];
            gemm(a, 0, b, 0, x, 0, rows, k, n);
            Gemm.scalar(a, 0, b, 0, y, 0, rows, k, n);
            if (!java.util.Arrays.equals(x, y)) {
                return false;
            }
        }
        return dot(a, 0, b, 0, 2 * NR + 5) == Gemm.scalarDot(a, 0, b, 0, 2 * NR + 5);
    }
}
