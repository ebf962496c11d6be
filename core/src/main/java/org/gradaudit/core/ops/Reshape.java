package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code reshape(x, s)}: x's elements in C order, with shape s, an integer vector of length
 * {@code ndim} (a constant or symbolic). One entry may be -1: it is inferred from x's size. A
 * constant s makes its length-1 axes broadcastable. Linear: R-op {@code reshape(t, s)}; L-op
 * {@code reshape(gz, shape(x))} with x's broadcastable flags. s is not connected.
 */
public final class Reshape extends Op {
    private static final long serialVersionUID = 1L;

    private final int ndim;

    public Reshape(int ndim) {
        this.ndim = ndim;
    }

    public static Variable apply(Variable x, Variable shape) {
        TensorType s = ShapeOpSupport.requireIntVector("Reshape", 1, shape);
        int n;
        if (shape instanceof Constant) {
            n = ((Constant) shape).value().size();
        } else if (shape.owner() != null && shape.owner().op() instanceof Shape) {
            n = shape.owner().input(0).ndim();
        } else {
            throw new IllegalArgumentException("Reshape: the length of input 1 (" + shape + ", " + s
                    + ") is not known when the graph is built; use T.reshape(x, shape, ndim)");
        }
        return new Reshape(n).makeNode(x, shape).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        ShapeOpSupport.requireIntVector(this, 1, inputs.get(1));
        boolean[] b = new boolean[ndim];
        Variable s = inputs.get(1);
        if (s instanceof Constant) {
            int[] v = ShapeOpSupport.ints(((Constant) s).value());
            if (v.length != ndim) {
                throw new IllegalArgumentException(this + ": input 1 has " + v.length + " entries "
                        + ShapeOpSupport.str(v) + " for a result of ndim " + ndim);
            }
            for (int i = 0; i < ndim; i++) {
                b[i] = v[i] == 1;
            }
        }
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), b)));
    }

    /** The target shape with -1 inferred, or an error naming both shapes and sizes. */
    static int[] target(Object op, int[] xs, int[] s) {
        int size = NDArray.sizeOf(xs);
        long known = 1;
        int infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && infer < 0) {
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": input 1 " + ShapeOpSupport.str(s) + " has entry " + s[i]
                        + " at position " + i + "; lengths must be >= 0, with at most one -1 (inferred)");
            } else {
                known *= s[i];
            }
        }
        int[] r = s.clone();
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape input 0 of shape " + ShapeOpSupport.str(xs)
                        + " (" + size + " elements) into shape " + ShapeOpSupport.str(s)
                        + ": the -1 cannot be inferred (" + size + " is not a multiple of " + known + ")");
            }
            r[infer] = (int) (size / known);
        } else if (known != size) {
            throw new IllegalArgumentException(op + ": cannot reshape input 0 of shape " + ShapeOpSupport.str(xs)
                    + " (" + size + " elements) into shape " + ShapeOpSupport.str(s) + " (" + known + " elements)");
        }
        return r;
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] s = ShapeOpSupport.ints(in[1]);
        if (s.length != ndim) {
            throw new IllegalArgumentException(this + ": input 1 has " + s.length + " entries "
                    + ShapeOpSupport.str(s) + " for a result of ndim " + ndim);
        }
        return new NDArray[] {in[0].reshape(target(this, in[0].shape(), s))};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true}, {false}};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable g = x.dtype().isFloat() ? new Reshape(x.ndim()).makeNode(outputGrads.get(0), Shape.apply(x)).out() : null;
        return List.of(x.dtype().isFloat() ? ShapeOpSupport.likeInput(g, x) : ShapeOpSupport.castLike(null, x),
                DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(t);
        }
        return List.of(makeNode(t, inputs.get(1)).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {ndim};
    }

    @Override
    public String toString() {
        return "Reshape{" + ndim + "}";
    }
}
