package org.gradaudit.core.ops.shape;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/** Forward values, NumPy slicing edge cases, gradients and messages of the index ops. */
class IndexOpsTest {
    private static final NDArray V = NDArray.of(0, 1, 2, 3, 4, 5);
    private static final NDArray M = NDArray.of(new double[][] {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9, 10, 11}});

    private static NDArray slice(NDArray value, Object... idx) {
        Variable x = T.dvector("x");
        return eval1(List.of(x), x.get(idx), value);
    }

    @Test
    void slicesFollowNumpyIncludingNegativeStepsAndClamping() {
        assertValues(new double[] {5, 4, 3, 2, 1, 0}, slice(V, T.slice(null, null, -1)), 0);
        assertValues(new double[] {5, 3, 1}, slice(V, T.slice(null, null, -2)), 0);
        assertValues(new double[] {4, 3, 2}, slice(V, T.slice(-2, 1, -1)), 0);
        assertValues(new double[] {2, 3, 4, 5}, slice(V, T.slice(2, 100)), 0);          // stop clamped
        assertValues(new double[] {0, 1}, slice(V, T.slice(-100, 2)), 0);              // start clamped
        assertValues(new double[] {5, 4}, slice(V, T.slice(100, 3, -1)), 0);           // start clamped to n-1
        assertValues(new double[] {1, 0}, slice(V, T.slice(1, -100, -1)), 0);          // stop clamped below 0
    }

    @Test
    void emptySlicesHaveLengthZero() {
        assertShape(new int[] {0}, slice(V, T.slice(4, 2)));
        assertShape(new int[] {0}, slice(V, T.slice(2, 4, -1)));
        assertShape(new int[] {0}, slice(V, T.slice(10, 20)));
        Variable x = T.dmatrix("x");
        assertShape(new int[] {0, 3}, eval1(List.of(x), x.get(T.slice(3, 3)), M));
    }

    @Test
    void integerIndicesDropTheAxisAndCountFromTheEnd() {
        Variable x = T.dmatrix("x");
        NDArray r = eval1(List.of(x), x.get(-1, T.slice(null, null, -1)), M);
        assertShape(new int[] {3}, r);
        assertValues(new double[] {11, 10, 9}, r, 0);
        Variable i = T.lscalar("i");
        assertValues(new double[] {3, 4, 5}, eval1(List.of(x, i), x.get(i), M, NDArray.scalar(DType.INT64, 1)), 0);
        assertValues(new double[] {2, 5}, eval1(List.of(x, i), x.get(T.slice(null, i), i), M, NDArray.scalar(DType.INT64, 2)), 0);
    }

    @Test
    void indexOutOfBoundsNamesOpAxisAndIndex() {
        Variable x = T.dmatrix("x");
        Exception e = assertThrows(IndexOutOfBoundsException.class, () -> eval1(List.of(x), x.get(1, 3), M));
        assertTrue(e.getMessage().contains("Subtensor") && e.getMessage().contains("index 3")
                && e.getMessage().contains("axis 1") && e.getMessage().contains("size 3"), e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> eval1(List.of(x), x.get((Object) new int[] {0, -5}), M));
        assertTrue(e.getMessage().contains("AdvancedSubtensor1") && e.getMessage().contains("index -5")
                && e.getMessage().contains("axis 0") && e.getMessage().contains("size 4"), e.getMessage());
        Exception s = assertThrows(IllegalArgumentException.class, () -> T.slice(0, 3, 0));
        assertTrue(s.getMessage().contains("step"), s.getMessage());
    }

    @Test
    void incAndSetSubtensorWriteACopy() {
        Variable x = T.dmatrix("x");
        Variable y = T.dvector("y");
        NDArray yv = NDArray.of(10, 20, 30);
        NDArray inc = eval1(List.of(x, y), T.incSubtensor(x.get(T.slice(null, null, -3)), y), M, yv);
        assertValues(new double[] {10, 21, 32, 3, 4, 5, 6, 7, 8, 19, 30, 41}, inc, 0);
        NDArray set = eval1(List.of(x, y), T.setSubtensor(x.get(1), y), M, yv);
        assertValues(new double[] {0, 1, 2, 10, 20, 30, 6, 7, 8, 9, 10, 11}, set, 0);
        assertEquals(3.0, M.get(1, 0));                 // input untouched
    }

    @Test
    void advancedIncAccumulatesRepeatsAndSetKeepsTheLastWrite() {
        Variable x = T.dvector("x");
        Variable y = T.dvector("y");
        NDArray xv = NDArray.of(0, 0, 0);
        NDArray yv = NDArray.of(1, 2, 4);
        assertValues(new double[] {0, 7, 0}, eval1(List.of(x, y), T.advancedIncSubtensor1(x, y, new int[] {1, 1, 1}), xv, yv), 0);
        assertValues(new double[] {0, 4, 0}, eval1(List.of(x, y), T.advancedSetSubtensor1(x, y, new int[] {1, 1, 1}), xv, yv), 0);
        // gradient of set w.r.t. y: only the surviving write is credited
        Variable c = T.sum(T.mul(T.advancedSetSubtensor1(x, y, new int[] {1, 1, 1}), T.constant(NDArray.of(1, 5, 1))));
        assertValues(new double[] {0, 0, 5}, eval1(List.of(x, y), Gradient.grad(c, y), xv, yv), 0);
        assertValues(new double[] {1, 0, 1}, eval1(List.of(x, y), Gradient.grad(c, x), xv, yv), 0);
    }

    @Test
    void advancedSubtensorBroadcastsIndexArrays() {
        Variable x = T.dmatrix("x");
        NDArray rows = NDArray.of(DType.INT64, new int[] {2, 1}, 0, 3);
        NDArray r = eval1(List.of(x), x.get(rows, new int[] {2, 0}), M);
        assertShape(new int[] {2, 2}, r);
        assertValues(new double[] {2, 0, 11, 9}, r, 0);
        Exception e = assertThrows(IllegalArgumentException.class, () -> x.get(new int[] {0}, T.slice(1, 2)));
        assertTrue(e.getMessage().contains("mixes integer arrays"), e.getMessage());
    }

    @Test
    void gradientOfSubtensorScattersIntoZeros() {
        Variable x = T.dvector("x");
        Variable c = T.sum(T.mul(x.get(T.slice(-1, 0, -2)), T.constant(NDArray.of(1, 2, 3))));
        assertValues(new double[] {0, 3, 0, 2, 0, 1}, eval1(List.of(x), Gradient.grad(c, x), V), 0);
        Variable d = T.sum(x.get((Object) new int[] {1, 1, 4}));
        assertValues(new double[] {0, 2, 0, 0, 1, 0}, eval1(List.of(x), Gradient.grad(d, x), V), 0);
    }

    @Test
    void permuteRowElementsChecksPermutations() {
        Variable x = T.dvector("x");
        assertValues(new double[] {2, 0, 1}, eval1(List.of(x), T.permuteRowElements(x, new int[] {2, 0, 1}, false),
                NDArray.of(0, 1, 2)), 0);
        assertValues(new double[] {1, 2, 0}, eval1(List.of(x), T.permuteRowElements(x, new int[] {2, 0, 1}, true),
                NDArray.of(0, 1, 2)), 0);
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(x), T.permuteRowElements(x, new int[] {0, 0, 1}, false), NDArray.of(0, 1, 2)));
        assertTrue(e.getMessage().contains("PermuteRowElements") && e.getMessage().contains("not a permutation"), e.getMessage());
    }

    @Test
    void indicesAreNotConnected() {
        Variable x = T.dvector("x");
        Variable i = T.lscalar("i");
        Variable c = T.sum(x.get(T.slice(i, null)));
        List<Variable> g = Gradient.grad(c, List.of(x, i), org.gradaudit.core.GradOptions.builder()
                .disconnectedInputs(org.gradaudit.core.DisconnectedInputs.IGNORE)
                .returnDisconnected(org.gradaudit.core.ReturnDisconnected.DISCONNECTED).build());
        assertTrue(org.gradaudit.core.DisconnectedType.is(g.get(1)), "the bound must be disconnected, got " + g.get(1));
    }
}
