package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.IndexKernels;

/**
 * Basic indexing {@code x[i, a:b:c, ...]} with NumPy's semantics (Theano's Subtensor): integer
 * entries pick one position and drop the axis (negative counts from the end, out of range is an
 * error); slices clamp their bounds, may be empty and may have negative steps. Bounds are
 * constants or extra 0-d integer inputs, which are not connected.
 *
 * <p>Linear in x: R-op {@code x[idx] -> t[idx]}; L-op, its transpose,
 * {@code gx = incSubtensor(zeros_like(x)[idx], gz)} (no position is selected twice, so inc = set).
 */
public final class Subtensor extends Op {
    private static final long serialVersionUID = 1L;

    private final int[][] spec;

    Subtensor(int[][] spec) {
        this.spec = BasicIndex.copy(spec);
    }

    /** {@code x[idx...]}: entries are ints, 0-d integer variables and {@link Slice}s. */
    public static Variable apply(Variable x, Object... idx) {
        int nd = org.gradaudit.core.Errors.requireTensor("Subtensor", 0, x).ndim();
        BasicIndex.Parsed p = BasicIndex.parse("Subtensor", nd, idx);
        List<Variable> in = new ArrayList<>();
        in.add(x);
        in.addAll(p.extras());
        return new Subtensor(p.spec()).makeNode(in).out();
    }

    int[][] spec() { return BasicIndex.copy(spec); }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.isEmpty()) {
            throw org.gradaudit.core.Errors.arity(this, 1 + BasicIndex.nExtras(spec), 0);
        }
        TensorType x = org.gradaudit.core.Errors.requireTensor(this, 0, inputs.get(0));
        BasicIndex.checkInputs(this, spec, x, inputs, 1);
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), BasicIndex.regionBroadcastable(spec, x.broadcastable()))));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        BasicIndex.Region r = BasicIndex.region(toString(), spec, in[0].shape(), in, 1);
        return new NDArray[] {IndexKernels.gather(in[0], r.map(), r.shape())};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return IncSubtensor.firstConnected(node.inputs().size(), 1, 1);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        List<Variable> r = new ArrayList<>();
        if (x.dtype().isDiscrete()) {
            r.add(T.cast(T.zerosLike(x), DType.FLOATX));
        } else {
            List<Variable> in = new ArrayList<>(inputs);
            in.set(0, T.zerosLike(x));
            in.add(1, outputGrads.get(0));
            r.add(new IncSubtensor(spec, false).makeNode(in).out());
        }
        for (int i = 1; i < inputs.size(); i++) {
            r.add(DisconnectedType.create());
        }
        return r;
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || inputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        List<Variable> in = new ArrayList<>(inputs);
        in.set(0, t);
        return List.of(makeNode(in).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {spec};
    }

    @Override
    public String toString() {
        return "Subtensor{" + BasicIndex.format(spec) + "}";
    }
}
