package org.gradaudit.core.ops;

import java.util.Arrays;
import org.gradaudit.core.DType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/** Small helpers shared by the shape and index ops. */
final class ShapeOpSupport {
    private ShapeOpSupport() {}

    /** A gradient term for x: g cast to x's float dtype, or float zeros when x is discrete. */
    static Variable castLike(Variable g, Variable x) {
        if (!x.dtype().isFloat()) {
            return T.cast(T.zerosLike(x), DType.FLOATX);
        }
        return g.dtype() == x.dtype() ? g : T.cast(g, x.dtype());
    }

    /** g with x's broadcastable flags (reshapes and slices lose them) and x's float dtype. */
    static Variable likeInput(Variable g, Variable x) {
        return castLike(T.patternbroadcast(g, x.broadcastable()), x);
    }

    /** Checks that input {@code i} is an integer vector (a shape) and returns its type. */
    static TensorType requireIntVector(Object op, int i, Variable v) {
        TensorType t = Errors.requireTensor(op, i, v);
        if (t.ndim() != 1 || !t.dtype().isInteger()) {
            throw new IllegalArgumentException(op + ": input " + i + " (a shape) has type " + t
                    + "; an integer vector is required");
        }
        return t;
    }

    /** Checks that input {@code i} is a 0-d integer and returns its type. */
    static TensorType requireIntScalar(Object op, int i, Variable v) {
        TensorType t = Errors.requireTensor(op, i, v);
        if (t.ndim() != 0 || !t.dtype().isInteger()) {
            throw new IllegalArgumentException(op + ": input " + i + " has type " + t
                    + "; a 0-d integer is required");
        }
        return t;
    }

    /** The int values of a shape vector. */
    static int[] ints(NDArray v) {
        double[] d = v.unsafeData();
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = (int) d[i];
        }
        return r;
    }

    static String str(int[] s) {
        return Arrays.toString(s);
    }
}
