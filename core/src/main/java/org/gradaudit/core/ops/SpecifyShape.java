package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code specifyShape(x, s)}: x unchanged, after checking at run time that x's shape is s (an
 * entry -1 accepts any length). The identity: L-op {@code specifyShape(gz, s)}, R-op
 * {@code specifyShape(t, s)}; s is not connected.
 */
public final class SpecifyShape extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable x, Variable shape) {
        return new SpecifyShape().makeNode(x, shape).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        ShapeOpSupport.requireIntVector(this, 1, inputs.get(1));
        return Apply.create(this, inputs, List.of(x));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] xs = in[0].shape();
        int[] s = ShapeOpSupport.ints(in[1]);
        boolean ok = s.length == xs.length;
        for (int i = 0; ok && i < s.length; i++) {
            ok = s[i] == -1 || s[i] == xs[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(this + ": input 0 has shape " + ShapeOpSupport.str(xs)
                    + ", but input 1 specifies shape " + ShapeOpSupport.str(s) + " (-1 = any length)");
        }
        return new NDArray[] {in[0]};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true}, {false}};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable g = x.dtype().isFloat() ? apply(outputGrads.get(0), inputs.get(1)) : null;
        return List.of(ShapeOpSupport.castLike(g, x), DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? DisconnectedType.create() : apply(t, inputs.get(1)));
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }
}
