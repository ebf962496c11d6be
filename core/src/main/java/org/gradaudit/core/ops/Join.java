package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code join(axis, x0, ..., x(k-1))}: concatenation along {@code axis} (NumPy's concatenate);
 * all other lengths must agree. The dtype is the upcast of the inputs'. Linear: R-op joins the
 * tangents (zeros for an input without one); L-op cuts gz back into the inputs' pieces,
 * {@code g_i = gz[..., o_i : o_i + shape(x_i)[axis], ...]} with symbolic offsets
 * {@code o_i = sum_{j<i} shape(x_j)[axis]}.
 */
public final class Join extends Op {
    private static final long serialVersionUID = 1L;

    private final int axis;

    public Join(int axis) {
        this.axis = axis;
    }

    public static Variable apply(int axis, List<Variable> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("Join: at least one input is required");
        }
        int nd = Errors.requireTensor("Join", 0, xs.get(0)).ndim();
        int a = axis < 0 ? axis + nd : axis;
        if (a < 0 || a >= nd) {
            throw Errors.axisOutOfRange("Join", axis, nd);
        }
        return new Join(a).makeNode(xs).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.isEmpty()) {
            throw Errors.arity(this, 1, 0);
        }
        TensorType first = Errors.requireTensor(this, 0, inputs.get(0));
        int nd = first.ndim();
        if (axis < 0 || axis >= nd) {
            throw Errors.axisOutOfRange(this, axis, nd);
        }
        DType d = first.dtype();
        boolean[] b = new boolean[nd];
        for (int i = 0; i < inputs.size(); i++) {
            TensorType t = Errors.requireTensor(this, i, inputs.get(i));
            if (t.ndim() != nd) {
                throw new IllegalArgumentException(this + ": input " + i + " has ndim " + t.ndim() + " but input 0 has ndim "
                        + nd + "; all inputs must have the same ndim");
            }
            d = DType.upcast(d, t.dtype());
            for (int a = 0; a < nd; a++) {
                if (a != axis) {
                    b[a] |= t.broadcastable(a);
                }
            }
        }
        b[axis] = inputs.size() == 1 && first.broadcastable(axis);
        return Apply.create(this, inputs, List.of(new TensorType(d, b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] s0 = in[0].shape();
        int total = 0;
        DType d = in[0].dtype();
        for (int i = 0; i < in.length; i++) {
            int[] s = in[i].shape();
            for (int a = 0; a < s.length; a++) {
                if (a != axis && s[a] != s0[a]) {
                    throw new IllegalArgumentException(this + ": input " + i + " has shape " + ShapeOpSupport.str(s)
                            + ", which does not match input 0 of shape " + ShapeOpSupport.str(s0) + " on axis " + a
                            + " (all axes but the join axis " + axis + " must agree)");
                }
            }
            total += s[axis];
            d = DType.upcast(d, in[i].dtype());
        }
        int outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= s0[a];
        }
        int inner = 1;
        for (int a = axis + 1; a < s0.length; a++) {
            inner *= s0[a];
        }
        int[] os = s0.clone();
        os[axis] = total;
        double[] out = new double[NDArray.sizeOf(os)];
        int rowOut = total * inner;
        int off = 0;
        for (NDArray x : in) {
            int chunk = x.shape(axis) * inner;
            double[] src = x.unsafeData();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * chunk, out, o * rowOut + off, chunk);
            }
            off += chunk;
        }
        d.coerceAll(out);
        return new NDArray[] {NDArray.wrap(d, os, out)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable gz = outputGrads.get(0);
        List<Variable> r = new ArrayList<>();
        Variable off = T.constant(0.0, DType.INT64);
        for (Variable x : inputs) {
            Variable len = T.shape(x, axis);
            Variable end = T.add(off, len);
            if (!x.dtype().isFloat() || outputs.get(0).dtype().isDiscrete()) {
                r.add(ShapeOpSupport.castLike(null, x));
            } else {
                Object[] idx = new Object[axis + 1];
                for (int a = 0; a < axis; a++) {
                    idx[a] = Slice.ALL;
                }
                idx[axis] = new Slice(off, end, null);
                r.add(ShapeOpSupport.likeInput(Subtensor.apply(gz, idx), x));
            }
            off = end;
        }
        return r;
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable out = outputs.get(0);
        if (out.dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        List<Variable> ts = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Variable t = evalPoints.get(i);
            ts.add(DisconnectedType.is(t) ? T.zerosLike(inputs.get(i), out.dtype()) : T.cast(t, out.dtype()));
        }
        return List.of(makeNode(ts).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {axis};
    }

    @Override
    public String toString() {
        return "Join{axis=" + axis + "}";
    }
}
