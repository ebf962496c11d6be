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
 * Theano's Rebroadcast: x unchanged, with the broadcastable flag of each listed axis set to the
 * given value (true: checked at run time to have length 1; false: "unbroadcast", always valid).
 * {@code T.addBroadcast}, {@code T.unbroadcast} and {@code T.patternbroadcast} are this op. The
 * identity: L-op restores x's flags on gz, R-op applies the same flags to t.
 */
public final class Rebroadcast extends Op {
    private static final long serialVersionUID = 1L;

    private final int[] axes;
    private final boolean[] flags;

    public Rebroadcast(int[] axes, boolean[] flags) {
        if (axes.length != flags.length) {
            throw new IllegalArgumentException("Rebroadcast: " + axes.length + " axes for " + flags.length + " flags");
        }
        this.axes = axes.clone();
        this.flags = flags.clone();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        boolean[] b = x.broadcastable();
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || axes[i] >= b.length) {
                throw Errors.axisOutOfRange(this, axes[i], b.length);
            }
            b[axes[i]] = flags[i];
        }
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        for (int i = 0; i < axes.length; i++) {
            if (flags[i] && in[0].shape(axes[i]) != 1) {
                throw new IllegalArgumentException(this + ": axis " + axes[i] + " of input 0 (shape "
                        + ShapeOpSupport.str(in[0].shape()) + ") has length " + in[0].shape(axes[i])
                        + ", but it is declared broadcastable (length 1 required)");
            }
        }
        return new NDArray[] {in[0]};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (!x.dtype().isFloat()) {
            return List.of(ShapeOpSupport.castLike(null, x));
        }
        boolean[] back = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            back[i] = x.broadcastable()[axes[i]];
        }
        Variable g = new Rebroadcast(axes, back).makeNode(outputGrads.get(0)).out();
        return List.of(ShapeOpSupport.castLike(g, x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? t : makeNode(t).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {axes, flags};
    }
}
