package org.gradaudit.core.ops.linalg;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.check.VerifyOptions;
import org.junit.jupiter.api.Test;

/** The linalg ops: hand-computed values, decomposition identities, error messages, higher orders. */
class LinalgOpsTest {
    private final Variable a = T.matrix("A");
    private static final VerifyOptions OPTS = VerifyOptions.builder().seed(11).nTests(2).build();

    private static NDArray m(double[][] rows) {
        return NDArray.of(rows);
    }

    /** A random (r, c) matrix with entries in [-1, 1), plus {@code shift} on the diagonal. */
    private static NDArray random(long seed, int r, int c, double shift) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] d = new double[r * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextDouble() * 2 - 1;
        }
        for (int i = 0; i < Math.min(r, c); i++) {
            d[i * c + i] += shift;
        }
        return NDArray.of(DType.FLOAT64, new int[] {r, c}, d);
    }

    /** A random symmetric positive definite n x n matrix: B B^T + n I. */
    private static NDArray spd(long seed, int n) {
        NDArray b = random(seed, n, n, 0);
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    d[i * n + j] += b.get(i, k) * b.get(j, k);
                }
                d[i * n + j] += i == j ? n : 0;
            }
        }
        return NDArray.of(DType.FLOAT64, new int[] {n, n}, d);
    }

    private static double[] matmul(NDArray x, NDArray y, boolean transX) {
        int m = transX ? x.shape(1) : x.shape(0);
        int k = transX ? x.shape(0) : x.shape(1);
        int n = y.shape(1);
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int t = 0; t < k; t++) {
                    r[i * n + j] += (transX ? x.get(t, i) : x.get(i, t)) * y.get(t, j);
                }
            }
        }
        return r;
    }

    private static NDArray transpose(NDArray x) {
        int r = x.shape(0);
        int c = x.shape(1);
        double[] d = new double[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                d[j * r + i] = x.get(i, j);
            }
        }
        return NDArray.of(DType.FLOAT64, new int[] {c, r}, d);
    }

    private static double[] identity(int n) {
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            d[i * n + i] = 1;
        }
        return d;
    }

    private static String message(Throwable e) {
        return e.getMessage();
    }

    // ---- forward values by hand ----

    @Test
    void inverseOf2x2() {
        NDArray r = eval1(List.of(a), T.matrixInverse(a), m(new double[][] {{4, 7}, {2, 6}}));
        assertValues(new double[] {0.6, -0.7, -0.2, 0.4}, r, 1e-15);
    }

    @Test
    void detOf3x3ByHand() {
        // 2 (0 * 5 + 1 * 4) + 3 (2 * 5 + 1 * 1) + 1 (2 * 4 - 0 * 1) = 8 + 33 + 8
        NDArray r = eval1(List.of(a), T.det(a), m(new double[][] {{2, -3, 1}, {2, 0, -1}, {1, 4, 5}}));
        assertShape(new int[0], r);
        assertEquals(49, r.item(), 1e-12);
        assertEquals(-2, eval1(List.of(a), T.det(a), m(new double[][] {{1, 2}, {3, 4}})).item(), 1e-15);
    }

    @Test
    void solveVectorAndMatrixRightHandSides() {
        NDArray av = m(new double[][] {{3, 1}, {1, 2}});
        Variable b = T.vector("b");
        assertValues(new double[] {2, 3}, eval1(List.of(a, b), T.solve(a, b), av, NDArray.of(9, 8)), 1e-15);
        Variable bm = T.matrix("B");
        NDArray x = eval1(List.of(a, bm), T.solve(a, bm), av, m(new double[][] {{9, 1}, {8, 2}}));
        assertShape(new int[] {2, 2}, x);
        assertValues(new double[] {2, 0, 3, 1}, x, 1e-15);
    }

    @Test
    void choleskyOf2x2ByHand() {
        NDArray l = eval1(List.of(a), T.cholesky(a), m(new double[][] {{4, 2}, {2, 3}}));
        assertValues(new double[] {2, 0, 1, Math.sqrt(2)}, l, 1e-15);
    }

    @Test
    void choleskyAndEighReadOnlyTheLowerTriangle() {
        NDArray sym = m(new double[][] {{4, 2}, {2, 3}});
        NDArray upperGarbage = m(new double[][] {{4, 100}, {2, 3}});
        assertEquals(eval1(List.of(a), T.cholesky(a), sym), eval1(List.of(a), T.cholesky(a), upperGarbage));
        assertEquals(eval1(List.of(a), T.eigh(a).get(1), sym), eval1(List.of(a), T.eigh(a).get(1), upperGarbage));
    }

    @Test
    void eighOf2x2ByHandWithTheSignConvention() {
        List<NDArray> r = eval(List.of(a), T.eigh(a), m(new double[][] {{2, 1}, {1, 2}}));
        assertValues(new double[] {1, 3}, r.get(0), 1e-14);
        double h = Math.sqrt(0.5);
        // eigenvector of 1: +-(1, -1)/sqrt 2, a tie in magnitude: the first entry is made positive
        assertValues(new double[] {h, h, -h, h}, r.get(1), 1e-14);
        List<NDArray> d = eval(List.of(a), T.eigh(a), m(new double[][] {{3, 0, 0}, {0, -1, 0}, {0, 0, 2}}));
        assertValues(new double[] {-1, 2, 3}, d.get(0), 0);
        assertValues(new double[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, d.get(1), 0);
    }

    @Test
    void qrOf2x2ByHand() {
        List<NDArray> r = eval(List.of(a), T.qr(a), m(new double[][] {{3, 1}, {4, 2}}));
        assertValues(new double[] {0.6, -0.8, 0.8, 0.6}, r.get(0), 1e-15);
        assertValues(new double[] {5, 2.2, 0, 0.4}, r.get(1), 1e-15);
    }

    // ---- decomposition identities on random matrices ----

    @Test
    void inverseTimesMatrixIsIdentity() {
        NDArray av = random(1, 5, 5, 0);
        NDArray inv = eval1(List.of(a), T.matrixInverse(a), av);
        assertValues(identity(5), NDArray.of(DType.FLOAT64, new int[] {5, 5}, matmul(av, inv, false)), 1e-12);
    }

    @Test
    void choleskyReconstructsA() {
        NDArray av = spd(2, 5);
        NDArray l = eval1(List.of(a), T.cholesky(a), av);
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                assertEquals(0, l.get(i, j), "upper entry " + i + ", " + j);
            }
            assertTrue(l.get(i, i) > 0);
        }
        assertValues(av.toDoubleArray(), NDArray.of(DType.FLOAT64, new int[] {5, 5}, matmul(l, transpose(l), false)), 1e-12);
    }

    @Test
    void eighSatisfiesAVEqualsVDiagW() {
        NDArray av = spd(3, 5);
        List<NDArray> r = eval(List.of(a), T.eigh(a), av);
        NDArray w = r.get(0);
        NDArray v = r.get(1);
        double[] avv = matmul(av, v, false);
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 5; k++) {
                assertEquals(v.get(i, k) * w.getFlat(k), avv[i * 5 + k], 1e-12, "A V = V diag(w) at " + i + ", " + k);
            }
        }
        for (int k = 1; k < 5; k++) {
            assertTrue(w.getFlat(k - 1) <= w.getFlat(k), "ascending");
        }
        assertValues(identity(5), NDArray.of(DType.FLOAT64, new int[] {5, 5}, matmul(v, v, true)), 1e-12);
    }

    @Test
    void qrReconstructsTallA() {
        NDArray av = random(4, 6, 3, 0);
        List<NDArray> r = eval(List.of(a), T.qr(a), av);
        NDArray q = r.get(0);
        NDArray rr = r.get(1);
        assertShape(new int[] {6, 3}, q);
        assertShape(new int[] {3, 3}, rr);
        assertValues(av.toDoubleArray(), NDArray.of(DType.FLOAT64, new int[] {6, 3}, matmul(q, rr, false)), 1e-12);
        assertValues(identity(3), NDArray.of(DType.FLOAT64, new int[] {3, 3}, matmul(q, q, true)), 1e-12);
        for (int i = 0; i < 3; i++) {
            assertTrue(rr.get(i, i) > 0, "diag(R) > 0");
            for (int j = 0; j < i; j++) {
                assertEquals(0, rr.get(i, j));
            }
        }
    }

    // ---- errors ----

    @Test
    void nonSquareInputsNameTheOpAndTheShape() {
        NDArray wide = random(5, 2, 3, 0);
        for (Variable out : List.of(T.matrixInverse(a), T.det(a), T.cholesky(a), T.eigh(a).get(0))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(a), out, wide));
            String op = out.owner().op().toString();
            assertTrue(message(e).startsWith(op + ": input 0 has shape [2, 3]; a square matrix (n, n) is required"),
                    message(e));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> T.det(T.vector("v")));
        assertTrue(message(e).contains("Det: input 0 has ndim 1"), message(e));
        e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(a), T.qr(a).get(0), wide));
        assertTrue(message(e).contains("QR: input 0 has shape [2, 3]") && message(e).contains("m >= n"), message(e));
        Variable b = T.vector("b");
        e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a, b), T.solve(a, b), random(6, 3, 3, 3), NDArray.of(1, 2)));
        assertTrue(message(e).contains("Solve: input 1 has shape [2]") && message(e).contains("3 rows"), message(e));
    }

    @Test
    void singularMatricesAreErrorsNotNaN() {
        NDArray singular = m(new double[][] {{1, 2}, {2, 4}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a), T.matrixInverse(a), singular));
        assertTrue(message(e).startsWith("MatrixInverse: input 0 (shape [2, 2]) is singular to working precision"),
                message(e));
        Variable b = T.vector("b");
        e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(a, b), T.solve(a, b), singular, NDArray.of(1, 1)));
        assertTrue(message(e).startsWith("Solve: input 0 (shape [2, 2]) is singular"), message(e));
        e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a), T.matrixInverse(a), NDArray.zeros(DType.FLOAT64, 3, 3)));
        assertTrue(message(e).contains("singular"), message(e));
        e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a), T.qr(a).get(1), m(new double[][] {{1, 2}, {2, 4}, {3, 6}})));
        assertTrue(message(e).startsWith("QR: input 0 (shape [3, 2]) does not have full column rank"), message(e));
    }

    @Test
    void detOfASingularMatrixIsZeroButItsGradientIsAnError() {
        NDArray singular = m(new double[][] {{1, 2}, {2, 4}});
        assertEquals(0, eval1(List.of(a), T.det(a), singular).item(), 0);
        Variable g = Gradient.grad(T.det(a), a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(a), g, singular));
        assertTrue(message(e).startsWith("MatrixInverse: input 0 (shape [2, 2]) is singular"), message(e));
    }

    @Test
    void notPositiveDefiniteIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(a), T.cholesky(a), m(new double[][] {{1, 2}, {2, 1}})));
        assertTrue(message(e).startsWith("Cholesky: input 0 (shape [2, 2]) is not positive definite"), message(e));
    }

    @Test
    void repeatedEigenvaluesHaveEigenvalueGradientsButNoEigenvectorGradients() {
        NDArray id = NDArray.of(DType.FLOAT64, new int[] {3, 3}, identity(3));
        // d sum(w) / dA = d tr(A) / dA on the lower triangle: the identity
        Variable gw = Gradient.grad(T.sum(T.eigh(a).get(0)), a);
        assertValues(identity(3), eval1(List.of(a), gw, id), 1e-12);
        Variable v = T.eigh(a).get(1);
        Variable gv = Gradient.grad(T.sum(T.mul(v, v)), a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(a), gv, id));
        assertTrue(message(e).startsWith("InverseGaps: input 0 (shape [3]) has equal entries 0 and 1")
                && message(e).contains("repeated eigenvalue"), message(e));
    }

    @Test
    void dtypes() {
        assertEquals(DType.FLOAT32, T.matrixInverse(T.fmatrix("f")).dtype());
        assertEquals(DType.FLOAT64, T.det(T.imatrix("i")).dtype());
        Variable i = T.imatrix("i");
        NDArray r = eval1(List.of(i), T.det(i), NDArray.of(DType.INT32, new int[] {2, 2}, 1, 2, 3, 4));
        assertEquals(DType.FLOAT64, r.dtype());
        assertEquals(-2, r.item(), 1e-15);
        Variable f = T.fmatrix("f");
        NDArray inv = eval1(List.of(f), T.matrixInverse(f), NDArray.of(DType.FLOAT32, new int[] {2, 2}, 4, 7, 2, 6));
        assertEquals(DType.FLOAT32, inv.dtype());
        assertValues(new double[] {0.6f, -0.7f, -0.2f, 0.4f}, inv, 0);
    }

    // ---- gradients beyond the catalogue ----

    @Test
    void gradientsOnAnUnstructuredPointAndInEveryDirection() {
        // directly on A: perturbations that break symmetry are fine for the lower-triangle convention
        NDArray p = spd(7, 4);
        VerifyGrad.verifyGrad(in -> T.cholesky(in.get(0)), List.of(p), OPTS);
        VerifyGrad.verifyGrad(in -> T.eigh(in.get(0)).get(0), List.of(p), OPTS);
        VerifyGrad.verifyGrad(in -> T.matrixInverse(in.get(0)), List.of(random(8, 4, 4, 4)), OPTS);
        VerifyGrad.verifyGrad(in -> T.qr(in.get(0)).get(0), List.of(random(9, 5, 3, 2)), OPTS);
    }

    @Test
    void rawEigenvectorsAreDifferentiableUnderTheSignConvention() {
        // diagonal 1..4 plus a small symmetric perturbation: well separated eigenvalues
        NDArray p = random(10, 4, 4, 0);
        double[] d = new double[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                d[i * 4 + j] = 0.3 * (p.get(i, j) + p.get(j, i)) + (i == j ? 2 * (i + 1) : 0);
            }
        }
        NDArray sym = NDArray.of(DType.FLOAT64, new int[] {4, 4}, d);
        VerifyGrad.verifyGrad(in -> T.eigh(in.get(0)).get(1), List.of(sym), OPTS);
        VerifyGrad.verifyGrad(in -> {
            List<Variable> wv = T.eigh(in.get(0));
            return T.add(T.sum(T.mul(wv.get(0), 0.7)), T.sum(T.mul(wv.get(1), wv.get(1))));
        }, List.of(sym), OPTS);
    }

    @Test
    void secondOrderOfInverseAndDet() {
        NDArray p = random(12, 3, 3, 3);
        VerifyGrad.verifyGrad2(in -> T.matrixInverse(in.get(0)), List.of(p), OPTS);
        VerifyGrad.verifyGrad2(in -> T.det(in.get(0)), List.of(p), OPTS);
        VerifyGrad.verifyGrad2(in -> T.solve(in.get(0), in.get(1)), List.of(p, random(13, 3, 2, 0)), OPTS);
        VerifyGrad.verifyGrad2(in -> T.cholesky(in.get(0)), List.of(spd(14, 3)), OPTS);
    }

    @Test
    void hessianOfLogDetIsMinusInverseKronecker() {
        // d^2 log det A / dA_ij dA_kl = -(A^-1)_li (A^-1)_jk: the row (i, j) = (0, 1) of that Hessian, by grad of grad
        NDArray p = random(15, 2, 2, 2);
        NDArray inv = eval1(List.of(a), T.matrixInverse(a), p);
        Variable logdet = T.log(T.det(a));
        Variable g = Gradient.grad(logdet, a);
        Variable h01 = Gradient.grad(T.sum(T.mul(g, T.constant(NDArray.of(new double[][] {{0, 1}, {0, 0}})))), a);
        NDArray hv = eval1(List.of(a), h01, p);
        // row (0, 1) of the Hessian: -(A^-1)_l0 (A^-1)_1k at (k, l)
        for (int k = 0; k < 2; k++) {
            for (int l = 0; l < 2; l++) {
                assertEquals(-inv.get(l, 0) * inv.get(1, k), hv.get(k, l), 1e-12);
            }
        }
    }
}
