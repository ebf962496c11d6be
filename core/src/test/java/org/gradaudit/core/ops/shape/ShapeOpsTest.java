package org.gradaudit.core.ops.shape;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** Forward values, types, gradients and messages of the shape ops. */
class ShapeOpsTest {
    private static final NDArray M = NDArray.of(new double[][] {{0, 1, 2}, {3, 4, 5}});

    @Test
    void shapeIsAnInt64VectorAndShapeIIsAScalar() {
        Variable x = T.dmatrix("x");
        NDArray s = eval1(List.of(x), x.shape(), M);
        assertEquals(DType.INT64, s.dtype());
        assertValues(new double[] {2, 3}, s, 0);
        assertEquals(3.0, eval1(List.of(x), x.shape(-1), M).item());
    }

    @Test
    void reshapeInfersMinusOneAndAcceptsSymbolicLengths() {
        Variable x = T.dmatrix("x");
        assertShape(new int[] {3, 2}, eval1(List.of(x), x.reshape(-1, 2), M));
        assertShape(new int[] {6}, eval1(List.of(x), x.flatten(), M));
        assertShape(new int[] {3, 1, 2}, eval1(List.of(x), T.reshape(x, T.makeVector(x.shape(1), 1, -1)), M));
        assertTrue(x.reshape(3, 1, 2).broadcastable()[1], "a constant length 1 is broadcastable");
    }

    @Test
    void badReshapeSizeNamesBothShapes() {
        Variable x = T.dmatrix("x");
        Exception e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(x), x.reshape(4, 2), M));
        assertTrue(e.getMessage().contains("Reshape") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(x), x.reshape(4, -1), M));
        assertTrue(e.getMessage().contains("cannot be inferred"), e.getMessage());
    }

    @Test
    void joinAndItsShapeMismatchMessage() {
        Variable x = T.dmatrix("x");
        Variable y = T.dmatrix("y");
        NDArray j = eval1(List.of(x, y), T.join(0, x, y), M, M);
        assertShape(new int[] {4, 3}, j);
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> eval1(List.of(x, y), T.join(0, x, y), M, NDArray.of(new double[][] {{1, 2}})));
        assertTrue(e.getMessage().contains("Join") && e.getMessage().contains("input 1") && e.getMessage().contains("[1, 2]")
                && e.getMessage().contains("[2, 3]") && e.getMessage().contains("axis 1"), e.getMessage());
    }

    @Test
    void splitStackTile() {
        Variable x = T.dmatrix("x");
        List<Variable> parts = T.split(x, new int[] {2, 0, 1}, 1);
        assertValues(new double[] {0, 1, 3, 4}, eval1(List.of(x), parts.get(0), M), 0);
        assertShape(new int[] {2, 0}, eval1(List.of(x), parts.get(1), M));
        Exception e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(x), T.split(x, new int[] {1, 1}, 1).get(0), M));
        assertTrue(e.getMessage().contains("Split") && e.getMessage().contains("add up to 2"), e.getMessage());
        NDArray s = eval1(List.of(x), T.stack(List.of(x, x), 0), M);
        assertShape(new int[] {2, 2, 3}, s);
        Variable v = T.dvector("v");
        NDArray t = eval1(List.of(v), T.tile(v, 2, 2), NDArray.of(1, 2));
        assertShape(new int[] {2, 4}, t);
        assertValues(new double[] {1, 2, 1, 2, 1, 2, 1, 2}, t, 0);
    }

    @Test
    void allocArangeAndBroadcastFlags() {
        Variable v = T.dvector("v");
        assertValues(new double[] {1, 2, 1, 2}, eval1(List.of(v), T.alloc(v, 2, 2), NDArray.of(1, 2)), 0);
        Exception e = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(v), T.alloc(v, 2, 3), NDArray.of(1, 2)));
        assertTrue(e.getMessage().contains("Alloc") && e.getMessage().contains("[2, 3]"), e.getMessage());
        NDArray a = eval1(List.of(v), T.arange(1, 2, 0.25), NDArray.of(0));
        assertValues(new double[] {1, 1.25, 1.5, 1.75}, a, 0);
        assertShape(new int[] {0}, eval1(List.of(v), T.arange(5, 1), NDArray.of(0)));
        assertEquals(DType.INT64, T.arange(3).dtype());
        Variable c = T.col("c");
        assertArrayEquals(new boolean[] {false, false}, T.unbroadcast(c, 1).broadcastable());
        Variable m = T.dmatrix("m");
        Exception b = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(m), T.addBroadcast(m, 0), M));
        assertTrue(b.getMessage().contains("Rebroadcast") && b.getMessage().contains("axis 0"), b.getMessage());
        Exception sp = assertThrows(IllegalArgumentException.class, () -> eval1(List.of(m), T.specifyShape(m, 3, -1), M));
        assertTrue(sp.getMessage().contains("SpecifyShape") && sp.getMessage().contains("[2, 3]"), sp.getMessage());
    }

    @Test
    void gradientsOfLinearShapeOps() {
        Variable x = T.dmatrix("x");
        Variable c = T.sum(T.mul(T.tile(x, 2, 1), 2.0));
        assertValues(new double[] {4, 4, 4, 4, 4, 4}, eval1(List.of(x), Gradient.grad(c, x), M), 0);
        Variable s = T.dscalar("s");
        Variable p = T.dscalar("p");
        Variable r = T.sum(T.arange(s, T.constant(3.0, DType.FLOAT64), p));        // s + (s + p) + (s + 2p)
        NDArray[] pts = {NDArray.scalar(0.5), NDArray.scalar(1.0)};
        assertEquals(3.0, eval1(List.of(s, p), Gradient.grad(r, s), pts).item());
        assertEquals(3.0, eval1(List.of(s, p), Gradient.grad(r, p), pts).item());
        Variable q = T.dscalar("q");
        assertEquals(2.0, eval1(List.of(q), Gradient.grad(T.mul(T.scalarFromTensor(T.tensorFromScalar(q)), 2.0), q),
                NDArray.scalar(1.0)).item());
    }
}
