package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
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
 * {@code x[ilist] += y} (or {@code = y} for set) on a copy, along axis 0 (Theano's
 * AdvancedIncSubtensor1). y broadcasts to {@code (len(ilist),) + x.shape[1:]}. With repeated
 * indices, inc accumulates every row of y; set keeps the last one written (NumPy's observed
 * behaviour for a 1-d index list).
 *
 * <p>Linear in (x, y). L-op: {@code gx = gz} (inc) or gz with the indexed rows zeroed (set);
 * {@code gy = sumToShape(gz[ilist] * w, y)} where w = 1 for inc, and for set w marks the rows of
 * y that were not overwritten by a later repeat (Theano gives every repeat gz[ilist[k]], which
 * finite differences reject). R-op: the same op on the tangents.
 */
public final class AdvancedIncSubtensor1 extends Op {
    private static final long serialVersionUID = 1L;

    private final boolean set;

    public AdvancedIncSubtensor1(boolean set) {
        this.set = set;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 3) {
            throw Errors.arity(this, 3, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType y = Errors.requireTensor(this, 1, inputs.get(1));
        if (x.ndim() < 1) {
            throw new IllegalArgumentException(this + ": input 0 has ndim 0; at least 1 is required");
        }
        AdvancedSubtensor1.checkIndexVector(this, 2, inputs.get(2));
        IncSubtensor.checkY(this, x, y, x.ndim());
        return Apply.create(this, inputs, List.of(x));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int[] xs = in[0].shape();
        int[] map = AdvancedSubtensor1.map(toString(), xs, in[2]);
        return new NDArray[] {IndexKernels.scatter(toString(), in[0], in[1], map,
                AdvancedSubtensor1.outShape(xs, in[2].size()), set)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true}, {true}, {false}};
    }

    /** True when ilist is a constant without repeated rows (negative entries normalised by x's length unknown: compared raw). */
    static boolean constantWithoutRepeats(Variable idx) {
        if (!(idx instanceof Constant)) {
            return false;
        }
        double[] d = ((Constant) idx).value().unsafeData();
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (double v : d) {
            if (v < 0 || !seen.add(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable y = inputs.get(1);
        Variable ilist = inputs.get(2);
        Variable gz = outputGrads.get(0);
        if (x.dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX), T.cast(T.zerosLike(y), DType.FLOATX),
                    DisconnectedType.create());
        }
        Variable gx = set ? new AdvancedIncSubtensor1(true).makeNode(gz, T.constant(0.0, gz.dtype()), ilist).out() : gz;
        Variable rows = AdvancedSubtensor1.apply(gz, ilist);
        if (set && !constantWithoutRepeats(ilist)) {
            // w[k] = 1 iff row k of y is the last write to x[ilist[k]]: write k+1 at every ilist[k]
            // (last wins), read back, compare.
            Variable p = T.add(T.cast(T.arange(T.shape(ilist, 0)), DType.FLOAT64), 1.0);
            Object[] pattern = new Object[x.ndim()];
            pattern[0] = 0;
            for (int a = 1; a < pattern.length; a++) {
                pattern[a] = "x";
            }
            Variable pb = T.dimshuffle(p, pattern);
            Variable z = new AdvancedIncSubtensor1(true).makeNode(T.zerosLike(x, DType.FLOAT64), pb, ilist).out();
            Variable w = T.cast(T.eq(AdvancedSubtensor1.apply(z, ilist), pb), gz.dtype());
            rows = T.mul(rows, w);
        }
        Variable gy = SumToShape.apply(rows, y);
        gy = y.dtype().isFloat() ? (gy.dtype() == y.dtype() ? gy : T.cast(gy, y.dtype())) : T.cast(T.zerosLike(y), DType.FLOATX);
        return List.of(gx, gy, DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable tx = evalPoints.get(0);
        Variable ty = evalPoints.get(1);
        Variable out = outputs.get(0);
        if (out.dtype().isDiscrete() || (DisconnectedType.is(tx) && DisconnectedType.is(ty))) {
            return List.of(DisconnectedType.create());
        }
        return List.of(makeNode(DisconnectedType.is(tx) ? T.zerosLike(out) : tx,
                DisconnectedType.is(ty) ? T.constant(0.0, out.dtype()) : T.cast(ty, out.dtype()), inputs.get(2)).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {set};
    }

    @Override
    public String toString() {
        return set ? "AdvancedSetSubtensor1" : "AdvancedIncSubtensor1";
    }
}
