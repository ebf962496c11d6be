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
import org.gradaudit.core.tensor.IndexKernels;

/**
 * {@code x[i0, ..., i(k-1)] += y} (or {@code = y} for set) on a copy, for the
 * {@link AdvancedSubtensor} subset (index arrays on the leading axes, broadcast together). y
 * broadcasts to the region's shape. Repeated positions accumulate (inc) or the last write in C
 * order of the broadcast index wins (set).
 *
 * <p>Linear in (x, y). L-op: {@code gx = gz} (inc) or gz with the region zeroed (set);
 * {@code gy = sumToShape(gz[i...] * w, y)}, w = 1 for inc, and for set w marks the writes not
 * overwritten by a later repeat (computed by writing 1..N at the positions and reading back).
 * R-op: the same op on the tangents.
 */
public final class AdvancedIncSubtensor extends Op {
    private static final long serialVersionUID = 1L;

    private final boolean set;

    public AdvancedIncSubtensor(boolean set) {
        this.set = set;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() < 3) {
            throw Errors.arity(this, 3, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType y = Errors.requireTensor(this, 1, inputs.get(1));
        boolean[] bb = AdvancedSubtensor.checkIndices(this, x, inputs, 2);
        IncSubtensor.checkY(this, x, y, AdvancedSubtensor.outBroadcastable(x, bb, inputs.size() - 2).length);
        return Apply.create(this, inputs, List.of(x));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        BasicIndex.Region r = AdvancedSubtensor.region(toString(), in[0].shape(), in, 2);
        return new NDArray[] {IndexKernels.scatter(toString(), in[0], in[1], r.map(), r.shape(), set)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return IncSubtensor.firstConnected(node.inputs().size(), 1, 2);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable y = inputs.get(1);
        Variable gz = outputGrads.get(0);
        List<Variable> idx = inputs.subList(2, inputs.size());
        List<Variable> r = new ArrayList<>();
        if (x.dtype().isDiscrete()) {
            r.add(T.cast(T.zerosLike(x), DType.FLOATX));
            r.add(T.cast(T.zerosLike(y), DType.FLOATX));
        } else {
            r.add(set ? inc(true, gz, T.constant(0.0, gz.dtype()), idx) : gz);
            Variable rows = AdvancedSubtensor.apply(gz, idx.toArray(new Variable[0]));
            if (set) {
                rows = T.mul(rows, T.cast(lastWriteMask(x, idx), gz.dtype()));
            }
            Variable gy = SumToShape.apply(rows, y);
            r.add(y.dtype().isFloat() ? (gy.dtype() == y.dtype() ? gy : T.cast(gy, y.dtype())) : T.cast(T.zerosLike(y), DType.FLOATX));
        }
        for (int i = 2; i < inputs.size(); i++) {
            r.add(DisconnectedType.create());
        }
        return r;
    }

    private static Variable inc(boolean set, Variable x, Variable y, List<Variable> idx) {
        List<Variable> in = new ArrayList<>();
        in.add(x);
        in.add(y);
        in.addAll(idx);
        return new AdvancedIncSubtensor(set).makeNode(in).out();
    }

    /**
     * A bool tensor, broadcastable against the region, true at the writes that survive a set:
     * number the broadcast index positions 1..N in C order, set them (last wins), read back.
     */
    private static Variable lastWriteMask(Variable x, List<Variable> idx) {
        Variable b = T.zerosLike(idx.get(0), DType.INT64);
        for (int i = 1; i < idx.size(); i++) {
            b = T.add(b, T.zerosLike(idx.get(i), DType.INT64));     // the broadcast shape of the indices
        }
        Variable n = b.ndim() == 0 ? T.constant(1.0, DType.INT64) : T.shape(T.flatten(b, 1), 0);
        Variable p = T.add(T.cast(T.arange(n), DType.FLOAT64), 1.0);
        p = T.reshape(p, T.shape(b));
        Object[] pattern = new Object[b.ndim() + x.ndim() - idx.size()];
        for (int a = 0; a < pattern.length; a++) {
            pattern[a] = a < b.ndim() ? (Object) a : "x";
        }
        p = T.dimshuffle(p, pattern);
        Variable z = inc(true, T.zerosLike(x, DType.FLOAT64), p, idx);
        return T.eq(AdvancedSubtensor.apply(z, idx.toArray(new Variable[0])), p);
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable tx = evalPoints.get(0);
        Variable ty = evalPoints.get(1);
        Variable out = outputs.get(0);
        if (out.dtype().isDiscrete() || (DisconnectedType.is(tx) && DisconnectedType.is(ty))) {
            return List.of(DisconnectedType.create());
        }
        return List.of(inc(set, DisconnectedType.is(tx) ? T.zerosLike(out) : tx,
                DisconnectedType.is(ty) ? T.constant(0.0, out.dtype()) : T.cast(ty, out.dtype()),
                inputs.subList(2, inputs.size())));
    }

    @Override
    protected Object[] props() {
        return new Object[] {set};
    }

    @Override
    public String toString() {
        return set ? "AdvancedSetSubtensor" : "AdvancedIncSubtensor";
    }
}
