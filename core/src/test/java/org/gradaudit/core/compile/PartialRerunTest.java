package org.gradaudit.core.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TestSupport;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.Dot;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.ScalarOp;
import org.gradaudit.core.tensor.Gemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Partial re-evaluation ({@link Program#rerun}) must give the bits of a full run whatever moved,
 * and must recompute only what depends on the moved elements.
 */
class PartialRerunTest {
    private static NDArray random(SplittableRandom rnd, DType dtype, int... shape) {
        return TestSupport.uniform(rnd, dtype, shape);
    }

    private static NDArray moved(NDArray v, int i, double by) {
        double[] d = v.toDoubleArray();
        d[i] = v.dtype().coerce(d[i] + by);
        return NDArray.wrap(v.dtype(), v.shape(), d);
    }

    /** Every element of every input of an MLP, its loss and its gradient: rerun == run, bit for bit. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT64", "FLOAT32"})
    void everyElementOfAnMlpAndItsGradient(DType dtype) {
        // hidden width 20 takes the SIMD kernel (>= 8 columns); the output width 3 the scalar loop
        Variable x = T.tensor(dtype, 2, "X");
        Variable w1 = T.tensor(dtype, 2, "W1");
        Variable b1 = T.tensor(dtype, 1, "b1");
        Variable w2 = T.tensor(dtype, 2, "W2");
        Variable b2 = T.tensor(dtype, 1, "b2");
        Variable h = T.tanh(T.add(T.dot(x, w1), b1));
        Variable loss = T.sum(T.sqr(T.sub(T.add(T.dot(h, w2), b2), 0.25)));
        List<Variable> in = List.of(x, w1, b1, w2, b2);
        List<Variable> outs = new ArrayList<>(List.of(loss, h));
        outs.addAll(Gradient.grad(loss, in));
        Program p = Function.compile(in, outs).program();
        SplittableRandom rnd = new SplittableRandom(7);
        NDArray[] args = {random(rnd, dtype, 11, 7), random(rnd, dtype, 7, 20), random(rnd, dtype, 20),
            random(rnd, dtype, 20, 3), random(rnd, dtype, 3)};
        Program.Snapshot base = p.evaluate(args);
        Program.Reruns reruns = p.reruns(base);          // one workspace for all: each rerun must restore it
        for (int k = 0; k < args.length; k++) {
            for (int i = 0; i < args[k].size(); i++) {
                NDArray v = moved(args[k], i, 1e-3);
                NDArray[] full = args.clone();
                full[k] = v;
                NDArray[] want = p.run(full);
                NDArray[] got = i % 2 == 0 ? reruns.rerun(k, v, new int[] {i}) : p.rerun(base, k, v, new int[] {i});
                for (int o = 0; o < want.length; o++) {
                    assertEquals(want[o], got[o], "output " + o + ", element " + i + " of input " + k);
                }
            }
        }
    }

    /** An outer product (k = 1) whose negative product underflows: -0.0 by every path (fma from +0). */
    @Test
    void anUnderflowingOuterProductKeepsItsSignedZero() {
        Variable x = T.matrix("x");
        Variable y = T.matrix("y");
        Program p = Function.compile(List.of(x, y), T.dot(x, y)).program();
        NDArray xv = NDArray.of(new double[][] {{1e-200}, {2}, {3}});
        NDArray yv = NDArray.of(new double[][] {{1, 2, 3, 4}});
        NDArray y2 = NDArray.of(new double[][] {{1, -1e-200, 3, 4}});
        NDArray want = p.run(xv, y2)[0];
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(want.getFlat(1)));
        assertEquals(want, p.reruns(p.evaluate(xv, yv)).rerun(1, y2, new int[] {1})[0]);
        assertEquals(want, p.runner().run(xv, y2)[0]);
    }

    /** Several positions at once, and the overload that finds them itself. */
    @Test
    void severalMovedPositionsAndTheComparingOverload() {
        Variable w = T.matrix("W");
        Variable v = T.vector("v");
        Variable y = T.sum(T.exp(T.mul(T.dot(w, v), T.dot(v, w))));
        Program p = Function.compile(List.of(w, v), List.of(y, Gradient.grad(y, w))).program();
        SplittableRandom rnd = new SplittableRandom(3);
        NDArray wv = random(rnd, DType.FLOAT64, 9, 9);
        NDArray vv = random(rnd, DType.FLOAT64, 9);
        Program.Snapshot base = p.evaluate(wv, vv);
        double[] d = wv.toDoubleArray();
        d[4] += 0.1;
        d[40] -= 0.2;
        d[80] *= 3;
        NDArray w2 = NDArray.wrap(DType.FLOAT64, new int[] {9, 9}, d);
        NDArray[] want = p.run(w2, vv);
        assertArrayEquals(want, p.rerun(base, 0, w2, new int[] {4, 40, 80}));
        assertArrayEquals(want, p.rerun(base, 0, w2));
        // nothing moved: the snapshot's outputs
        assertArrayEquals(base.outputs(), p.rerun(base, 0, wv, new int[0]));
        assertArrayEquals(base.outputs(), p.rerun(base, 0, wv, new int[] {7}));
    }

    /** An op that counts its evaluations and passes its input through. */
    static final class Counting extends Op {
        private static final long serialVersionUID = 1L;
        int performs;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            performs++;
            return new NDArray[] {NDArray.wrap(in[0].dtype(), in[0].shape(), in[0].toDoubleArray())};
        }
    }

    /** Doubles its input; its partial rule writes garbage and throws while {@code fail} is set. */
    static final class Flaky extends Op {
        private static final long serialVersionUID = 1L;
        boolean fail;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            double[] d = in[0].toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                d[i] *= 2;
            }
            return new NDArray[] {NDArray.wrap(in[0].dtype(), in[0].shape(), d)};
        }

        @Override
        public int[][] updateChanged(NDArray[] in, int[][] changed, double[][] out) {
            if (fail) {
                java.util.Arrays.fill(out[0], 1e300);
                throw new IllegalStateException("flaky");
            }
            for (int i : changed[0]) {
                out[0][i] = in[0].getFlat(i) * 2;
            }
            return new int[][] {changed[0].clone()};
        }
    }

    @Test
    void anOpThatThrowsMidRerunLeavesTheWorkspaceUsable() {
        Variable x = T.vector("x");
        Program p = Function.compile(List.of(x), T.sum(new Flaky().makeNode(T.exp(x)).out())).program();
        Flaky op = (Flaky) p.ops().stream().filter(o -> o instanceof Flaky).findFirst().orElseThrow();
        NDArray xv = NDArray.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);
        Program.Reruns reruns = p.reruns(p.evaluate(xv));
        NDArray first = moved(xv, 1, 0.5);
        op.fail = true;
        assertThrows(IllegalStateException.class, () -> reruns.rerun(0, first, new int[] {1}));
        op.fail = false;
        NDArray second = moved(xv, 4, 0.25);
        assertArrayEquals(p.run(second), reruns.rerun(0, second, new int[] {4}));
    }

    @Test
    void aMoveThatChangesNoValueStopsPropagating() {
        Variable x = T.vector("x");
        Counting counting = new Counting();
        Variable y = T.sum(counting.makeNode(T.maximum(x, 0.0)).out());
        Program p = Function.compile(List.of(x), y).program();
        NDArray xv = NDArray.of(-1, 2, 3);
        Program.Snapshot base = p.evaluate(xv);
        Counting inProgram = (Counting) p.ops().stream().filter(o -> o instanceof Counting).findFirst().orElseThrow();
        int before = inProgram.performs;
        NDArray stillNegative = NDArray.of(-0.5, 2, 3);
        assertArrayEquals(p.run(stillNegative), p.rerun(base, 0, stillNegative, new int[] {0}));
        assertEquals(before + 1, inProgram.performs, "only the full run evaluates the op: max(x, 0) did not move");
        NDArray positive = NDArray.of(-1, 2.5, 3);
        assertArrayEquals(p.run(positive), p.rerun(base, 0, positive, new int[] {1}));
        assertEquals(before + 3, inProgram.performs, "a moved value reaches the op");
    }

    @Test
    void productsRecomputeOnlyTheMovedRowsAndColumns() {
        SplittableRandom rnd = new SplittableRandom(11);
        Dot dot = new Dot();
        int[][][] shapes = {
            {{6, 5}, {5, 9}},      // matrix . matrix
            {{19, 40}, {40, 9}},   // more rows than one block of Gemm.columns
            {{6, 1}, {1, 9}},      // k = 1: outer product
            {{6, 5}, {5, 1}},      // one column: the inner-product order
            {{6, 5}, {5}},         // matrix . vector
            {{5}, {5, 9}},         // vector . matrix
        };
        for (int[][] s : shapes) {
            NDArray a = random(rnd, DType.FLOAT64, s[0]);
            NDArray b = random(rnd, DType.FLOAT64, s[1]);
            NDArray[] before = dot.perform(new NDArray[] {a, b});
            for (int side = 0; side < 2; side++) {
                NDArray[] in = {a, b};
                int pos = in[side].size() - 2;
                in[side] = moved(in[side], pos, 0.5);
                int[][] changed = new int[2][];
                changed[side] = new int[] {pos};
                double[] out = before[0].toDoubleArray();
                int[][] written = dot.updateChanged(in, changed, new double[][] {out});
                boolean vectorMoved = in[side].ndim() == 1;
                boolean oneColumnMoved = side == 1 && s[1].length == 2 && s[1][1] == 1;
                String what = java.util.Arrays.deepToString(s) + " side " + side;
                if (vectorMoved || oneColumnMoved) {
                    assertNull(written, "every output moves: " + what);
                    assertArrayEquals(before[0].unsafeData(), out, "nothing written: " + what);
                } else {
                    assertNotNull(written, what);
                    NDArray want = dot.perform(in)[0];
                    assertEquals(want, NDArray.wrap(want.dtype(), want.shape(), out), what);
                    assertWrittenCover(before[0], want, written[0], what);
                }
            }
        }
        // dense changes: the full kernel is cheaper
        NDArray a = random(rnd, DType.FLOAT64, 6, 5);
        NDArray b = random(rnd, DType.FLOAT64, 5, 9);
        NDArray[] before = dot.perform(new NDArray[] {a, b});
        assertNull(dot.updateChanged(new NDArray[] {a, b}, new int[][] {{0, 5, 10, 15}, null},
                new double[][] {before[0].toDoubleArray()}));
    }

    @Test
    void columnsOfAProductHaveTheProductsBits() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int[] mkn : new int[][] {{1, 1, 2}, {8, 1, 3}, {17, 33, 2}, {9, 300, 21}, {16, 7, 40}}) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            double[] a = random(rnd, DType.FLOAT64, m, k).toDoubleArray();
            double[] b = random(rnd, DType.FLOAT64, k, n).toDoubleArray();
            double[] want = Gemm.gemm(a, b, m, k, n);
            double[] got = new double[m * n];
            int[] cols = {0, n - 1};
            Gemm.columns(a, b, got, m, k, n, cols);
            for (int i = 0; i < m; i++) {
                for (int j : cols) {
                    assertEquals(Double.doubleToRawLongBits(want[i * n + j]), Double.doubleToRawLongBits(got[i * n + j]),
                            "m=" + m + " k=" + k + " n=" + n + " element (" + i + ", " + j + ")");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Gemm.columns(new double[4], new double[4], new double[4], 4, 1, 1,
                new int[] {0}));
    }

    @Test
    void elementwiseRecomputesTheBroadcastImageOfAMovedElement() {
        SplittableRandom rnd = new SplittableRandom(5);
        Elemwise add = new Elemwise(ScalarOp.ADD);
        int[][][] shapes = {{{3, 1}, {1, 40}}, {{1, 1}, {30, 4}}, {{2, 1, 40}, {1, 3, 40}}, {{7, 40}, {7, 40}}};
        for (int[][] s : shapes) {
            NDArray a = random(rnd, DType.FLOAT32, s[0]);
            NDArray b = random(rnd, DType.FLOAT32, s[1]);
            NDArray[] before = add.perform(new NDArray[] {a, b});
            for (int side = 0; side < 2; side++) {
                NDArray[] in = {a, b};
                int pos = in[side].size() / 2;
                in[side] = moved(in[side], pos, 0.25);
                int[][] changed = new int[2][];
                changed[side] = new int[] {pos};
                double[] out = before[0].toDoubleArray();
                int[][] written = add.updateChanged(in, changed, new double[][] {out});
                NDArray want = add.perform(in)[0];
                String what = java.util.Arrays.deepToString(s) + " side " + side;
                if (written != null) {
                    assertEquals(want, NDArray.wrap(want.dtype(), want.shape(), out), what);
                    assertWrittenCover(before[0], want, written[0], what);
                    assertEquals(want.size() / in[side].size(), written[0].length, "the broadcast image: " + what);
                } else {
                    assertArrayEquals(before[0].unsafeData(), out, "nothing written: " + what);
                }
                // a moved element spread over more than a quarter of the output is recomputed in full
                long spread = want.size() / in[side].size();
                assertEquals(spread * 4 <= want.size(), written != null, what);
            }
        }
    }

    /** The written positions are ascending, distinct, and include every element that moved. */
    private static void assertWrittenCover(NDArray before, NDArray after, int[] written, String what) {
        for (int t = 1; t < written.length; t++) {
            assertTrue(written[t] > written[t - 1], "ascending and distinct: " + what);
        }
        java.util.Set<Integer> w = new java.util.HashSet<>();
        for (int p : written) {
            w.add(p);
        }
        for (int i = 0; i < before.size(); i++) {
            if (Double.doubleToRawLongBits(before.getFlat(i)) != Double.doubleToRawLongBits(after.getFlat(i))) {
                assertTrue(w.contains(i), "moved element " + i + " is among the written: " + what);
            }
        }
    }

    @Test
    void badPositionsAndShapesAreRefusedNamingTheInput() {
        Variable x = T.vector("x");
        Program p = Function.compile(List.of(x), T.sum(T.sqr(x))).program();
        NDArray xv = NDArray.of(1, 2, 3);
        Program.Snapshot base = p.evaluate(xv);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.rerun(base, 0, xv, new int[] {2, 1}));
        assertTrue(e.getMessage().contains("input 0 (x)") && e.getMessage().contains("ascending"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.rerun(base, 0, xv, new int[] {3}));
        assertTrue(e.getMessage().contains("[0, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.rerun(base, 0, xv, null));
        assertTrue(e.getMessage().contains("input 0 (x)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.rerun(base, 0, NDArray.of(1, 2)));
        assertTrue(e.getMessage().contains("shape [2]") && e.getMessage().contains("[3]"), e.getMessage());
        Program other = Function.compile(List.of(x), T.sum(x)).program();
        e = assertThrows(IllegalArgumentException.class, () -> other.rerun(base, 0, xv));
        assertTrue(e.getMessage().contains("another program"), e.getMessage());
    }
}
