package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.Broadcast;

/**
 * {@code alloc(v, s0, ..., s(n-1))}: v broadcast (NumPy rules, ranks aligned on the right) to the
 * shape (s0, ..., s(n-1)), given as 0-d integer inputs (not connected). Linear in v: R-op
 * {@code alloc(t, s...)}; L-op sums the broadcast copies back, {@code gv = sumToShape(gz, v)}.
 */
public final class Alloc extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable value, List<Variable> shape) {
        List<Variable> in = new ArrayList<>();
        in.add(value);
        in.addAll(shape);
        return new Alloc().makeNode(in).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.isEmpty()) {
            throw Errors.arity(this, 1, 0);
        }
        TensorType v = Errors.requireTensor(this, 0, inputs.get(0));
        int nd = inputs.size() - 1;
        if (v.ndim() > nd) {
            throw new IllegalArgumentException(this + ": input 0 has ndim " + v.ndim() + ", more than the "
                    + nd + " lengths given (inputs 1.." + nd + ")");
        }
        boolean[] b = new boolean[nd];
        for (int i = 1; i < inputs.size(); i++) {
            ShapeOpSupport.requireIntScalar(this, i, inputs.get(i));
            Variable s = inputs.get(i);
            b[i - 1] = s instanceof Constant && ((Constant) s).value().item() == 1;
        }
        return Apply.create(this, inputs, List.of(new TensorType(v.dtype(), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] s = new int[in.length - 1];
        for (int i = 1; i < in.length; i++) {
            s[i - 1] = (int) in[i].item();
            if (s[i - 1] < 0) {
                throw new IllegalArgumentException(this + ": input " + i + " (length of axis " + (i - 1) + ") is "
                        + s[i - 1] + "; lengths must be >= 0");
            }
        }
        int[] vs = in[0].shape();
        int shift = s.length - vs.length;
        for (int a = 0; a < vs.length; a++) {
            if (vs[a] != 1 && vs[a] != s[a + shift]) {
                throw new IllegalArgumentException(this + ": input 0 of shape " + ShapeOpSupport.str(vs)
                        + " cannot be broadcast to shape " + ShapeOpSupport.str(s) + " (axis " + (a + shift) + ": "
                        + vs[a] + " vs " + s[a + shift] + ")");
            }
        }
        NDArray v = in[0];
        double[] vd = v.unsafeData();
        int[] st = Broadcast.strides(vs, s);
        double[] out = new double[NDArray.sizeOf(s)];
        int[] c = new int[s.length];
        int o = 0;
        for (int k = 0; k < out.length; k++) {
            out[k] = vd[o];
            for (int a = s.length - 1; a >= 0; a--) {
                o += st[a];
                if (++c[a] < s[a]) {
                    break;
                }
                o -= st[a] * s[a];
                c[a] = 0;
            }
        }
        return new NDArray[] {NDArray.wrap(v.dtype(), s, out)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return IncSubtensor.firstConnected(node.inputs().size(), 1, 1);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable v = inputs.get(0);
        List<Variable> r = new ArrayList<>();
        r.add(ShapeOpSupport.castLike(v.dtype().isFloat() ? SumToShape.apply(outputGrads.get(0), v) : null, v));
        for (int i = 1; i < inputs.size(); i++) {
            r.add(DisconnectedType.create());
        }
        return r;
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(t);
        }
        List<Variable> in = new ArrayList<>(inputs);
        in.set(0, t);
        return List.of(makeNode(in).out());
    }

    @Override
    protected Object[] props() {
        return new Object[0];
    }

}
