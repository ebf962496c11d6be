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
 * {@code incSubtensor(x[idx], y)}: a copy of x with y added to (or, for set, written over) the
 * region {@code x[idx]}; y broadcasts to the region's shape (Theano's IncSubtensor). Inputs:
 * x, y, then the 0-d integer bounds of idx (not connected).
 *
 * <p>Linear in (x, y). L-op: {@code gx = gz} for inc and {@code gz} with the region zeroed for
 * set (the old values there are overwritten); {@code gy = sumToShape(gz[idx], y)} (the sum undoes
 * y's broadcast). R-op: the same op on the tangents, zeros standing in for an absent one.
 */
public final class IncSubtensor extends Op {
    private static final long serialVersionUID = 1L;

    private final int[][] spec;
    private final boolean set;

    IncSubtensor(int[][] spec, boolean set) {
        this.spec = BasicIndex.copy(spec);
        this.set = set;
    }

    /** {@code x[idx] += y} or {@code x[idx] = y} on a copy; {@code sub} is the Subtensor output {@code x[idx]}. */
    public static Variable apply(Variable sub, Object y, boolean set) {
        String name = set ? "setSubtensor" : "incSubtensor";
        if (sub == null || sub.owner() == null) {
            throw new IllegalArgumentException(name + ": input 0 (" + sub + ") must be the result of x.get(...)"
                    + " (a Subtensor, AdvancedSubtensor1 or AdvancedSubtensor output)");
        }
        Op op = sub.owner().op();
        List<Variable> in = new ArrayList<>(sub.owner().inputs());
        Variable yv = T.asTensor(y, in.get(0));
        in.add(1, yv);
        if (op instanceof Subtensor) {
            return new IncSubtensor(((Subtensor) op).spec(), set).makeNode(in).out();
        }
        if (op instanceof AdvancedSubtensor1) {
            return new AdvancedIncSubtensor1(set).makeNode(in).out();
        }
        if (op instanceof AdvancedSubtensor) {
            return new AdvancedIncSubtensor(set).makeNode(in).out();
        }
        throw new IllegalArgumentException(name + ": input 0 (" + sub + ") is the output of " + op
                + "; expected a Subtensor, AdvancedSubtensor1 or AdvancedSubtensor output");
    }

    /** {@code [n][1]}: only the first {@code k} inputs are connected (the rest are indices). */
    static boolean[][] firstConnected(int n, int nOut, int k) {
        boolean[][] cp = new boolean[n][nOut];
        for (int i = 0; i < k && i < n; i++) {
            java.util.Arrays.fill(cp[i], true);
        }
        return cp;
    }

    /** Checks y against x: y's dtype must fit into x's without loss. */
    static void checkY(Object op, TensorType x, TensorType y, int regionNdim) {
        if (DType.upcast(x.dtype(), y.dtype()) != x.dtype()) {
            throw new IllegalArgumentException(op + ": input 1 has dtype " + y.dtype() + ", which cannot be written"
                    + " into input 0 of dtype " + x.dtype() + " without loss (allowed: dtypes that upcast to "
                    + x.dtype() + ")");
        }
        if (y.ndim() > regionNdim) {
            throw new IllegalArgumentException(op + ": input 1 has ndim " + y.ndim() + ", more than the ndim "
                    + regionNdim + " of the indexed region of input 0");
        }
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() < 2) {
            throw Errors.arity(this, 2 + BasicIndex.nExtras(spec), inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        TensorType y = Errors.requireTensor(this, 1, inputs.get(1));
        BasicIndex.checkInputs(this, spec, x, inputs, 2);
        checkY(this, x, y, BasicIndex.regionBroadcastable(spec, x.broadcastable()).length);
        return Apply.create(this, inputs, List.of(x));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        BasicIndex.Region r = BasicIndex.region(toString(), spec, in[0].shape(), in, 2);
        return new NDArray[] {IndexKernels.scatter(toString(), in[0], in[1], r.map(), r.shape(), set)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return firstConnected(node.inputs().size(), 1, 2);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable y = inputs.get(1);
        Variable gz = outputGrads.get(0);
        List<Variable> r = new ArrayList<>();
        if (x.dtype().isDiscrete()) {
            r.add(T.cast(T.zerosLike(x), DType.FLOATX));
            r.add(T.cast(T.zerosLike(y), DType.FLOATX));
        } else {
            List<Variable> idx = inputs.subList(2, inputs.size());
            List<Variable> in = new ArrayList<>();
            in.add(gz);
            in.add(T.constant(0.0, gz.dtype()));
            in.addAll(idx);
            r.add(set ? new IncSubtensor(spec, true).makeNode(in).out() : gz);
            in.remove(1);
            Variable gy = SumToShape.apply(new Subtensor(spec).makeNode(in).out(), y);
            r.add(y.dtype().isFloat() ? (gy.dtype() == y.dtype() ? gy : T.cast(gy, y.dtype())) : T.cast(T.zerosLike(y), DType.FLOATX));
        }
        for (int i = 2; i < inputs.size(); i++) {
            r.add(DisconnectedType.create());
        }
        return r;
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable tx = evalPoints.get(0);
        Variable ty = evalPoints.get(1);
        Variable out = outputs.get(0);
        if (out.dtype().isDiscrete() || (DisconnectedType.is(tx) && DisconnectedType.is(ty))) {
            return List.of(DisconnectedType.create());
        }
        List<Variable> in = new ArrayList<>(inputs);
        in.set(0, DisconnectedType.is(tx) ? T.zerosLike(out) : tx);
        in.set(1, DisconnectedType.is(ty) ? T.constant(0.0, out.dtype()) : T.cast(ty, out.dtype()));
        return List.of(makeNode(in).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {spec, set};
    }

    @Override
    public String toString() {
        return (set ? "SetSubtensor{" : "IncSubtensor{") + BasicIndex.format(spec) + "}";
    }
}
