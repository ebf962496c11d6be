package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code split(x, sizes, axis)}: k outputs, output i holding {@code sizes[i]} consecutive
 * positions of x along {@code axis}; the sizes (constants, >= 0) must add up to x's length there.
 * Linear: R-op splits the tangent; L-op joins the output gradients back, zeros standing in for
 * outputs that do not reach the cost.
 */
public final class Split extends Op {
    private static final long serialVersionUID = 1L;

    private final int[] sizes;
    private final int axis;

    public Split(int[] sizes, int axis) {
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 0) {
                throw new IllegalArgumentException("Split: size " + i + " is " + sizes[i] + " in "
                        + Arrays.toString(sizes) + "; sizes must be >= 0");
            }
        }
        if (sizes.length == 0) {
            throw new IllegalArgumentException("Split: at least one size is required");
        }
        this.sizes = sizes.clone();
        this.axis = axis;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        if (axis < 0 || axis >= x.ndim()) {
            throw Errors.axisOutOfRange(this, axis, x.ndim());
        }
        List<TensorType> outs = new ArrayList<>();
        for (int size : sizes) {
            boolean[] b = x.broadcastable();
            b[axis] = b[axis] && size == 1;
            outs.add(new TensorType(x.dtype(), b));
        }
        return Apply.create(this, inputs, outs);
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        NDArray x = in[0];
        int[] xs = x.shape();
        int total = 0;
        for (int s : sizes) {
            total += s;
        }
        if (total != xs[axis]) {
            throw new IllegalArgumentException(this + ": the sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", but input 0 of shape " + Arrays.toString(xs) + " has length " + xs[axis] + " on axis " + axis);
        }
        int outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= xs[a];
        }
        int inner = 1;
        for (int a = axis + 1; a < xs.length; a++) {
            inner *= xs[a];
        }
        double[] src = x.unsafeData();
        NDArray[] r = new NDArray[sizes.length];
        int off = 0;
        for (int i = 0; i < sizes.length; i++) {
            int chunk = sizes[i] * inner;
            double[] out = new double[outer * chunk];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * xs[axis] * inner + off, out, o * chunk, chunk);
            }
            int[] os = xs.clone();
            os[axis] = sizes[i];
            r[i] = NDArray.wrap(x.dtype(), os, out);
            off += chunk;
        }
        return r;
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (!x.dtype().isFloat()) {
            return List.of(ShapeOpSupport.castLike(null, x));
        }
        List<Variable> parts = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Variable g = outputGrads.get(i);
            parts.add(DisconnectedType.is(g) ? T.zerosLike(outputs.get(i)) : g);
        }
        return List.of(ShapeOpSupport.likeInput(new Join(axis).makeNode(parts).out(), x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || !inputs.get(0).dtype().isFloat()) {
            List<Variable> r = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                r.add(DisconnectedType.create());
            }
            return r;
        }
        return makeNode(t).outputs();
    }

    @Override
    protected Object[] props() {
        return new Object[] {sizes, axis};
    }

    @Override
    public String toString() {
        return "Split{sizes=" + Arrays.toString(sizes) + ", axis=" + axis + "}";
    }
}
