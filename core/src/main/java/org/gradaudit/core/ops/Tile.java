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
 * {@code tile(x, reps)} (NumPy's): x repeated {@code reps[a]} times along each axis. With
 * d = max(x.ndim, len(reps)), x's shape and reps are both left-padded with 1s to length d;
 * {@code out[i] = x[i mod s]} (per axis) with shape {@code s * reps}. reps are constants >= 0.
 *
 * <p>Linear. R-op {@code tile(t, reps)}; L-op sums the copies: gz viewed as
 * {@code (r0, s0, r1, s1, ...)} summed over the r axes, then reshaped to x's shape.
 */
public final class Tile extends Op {
    private static final long serialVersionUID = 1L;

    private final int[] reps;

    public Tile(int[] reps) {
        for (int i = 0; i < reps.length; i++) {
            if (reps[i] < 0) {
                throw new IllegalArgumentException("Tile: reps " + Arrays.toString(reps) + " has " + reps[i]
                        + " at position " + i + "; repetitions must be >= 0");
            }
        }
        this.reps = reps.clone();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        int d = Math.max(x.ndim(), reps.length);
        boolean[] b = new boolean[d];
        for (int a = 0; a < d; a++) {
            int ax = a - (d - x.ndim());
            int ar = a - (d - reps.length);
            b[a] = (ax < 0 || x.broadcastable(ax)) && (ar < 0 || reps[ar] == 1);
        }
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), b)));
    }

    private int[] paddedReps(int d) {
        int[] r = new int[d];
        Arrays.fill(r, 1);
        System.arraycopy(reps, 0, r, d - reps.length, reps.length);
        return r;
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        NDArray x = in[0];
        int d = Math.max(x.ndim(), reps.length);
        int[] s = new int[d];
        Arrays.fill(s, 1);
        System.arraycopy(x.shape(), 0, s, d - x.ndim(), x.ndim());
        int[] r = paddedReps(d);
        int[] os = new int[d];
        for (int a = 0; a < d; a++) {
            os[a] = s[a] * r[a];
        }
        int[] st = org.gradaudit.core.tensor.Broadcast.contiguousStrides(s);
        double[] src = x.unsafeData();
        double[] out = new double[NDArray.sizeOf(os)];
        int[] c = new int[d];
        int[] cm = new int[d];            // c mod s, per axis
        int off = 0;
        for (int k = 0; k < out.length; k++) {
            out[k] = src[off];
            for (int a = d - 1; a >= 0; a--) {
                c[a]++;
                cm[a]++;
                off += st[a];
                if (cm[a] == s[a]) {
                    cm[a] = 0;
                    off -= st[a] * s[a];
                }
                if (c[a] < os[a]) {
                    break;
                }
                c[a] = 0;
                off -= st[a] * cm[a];
                cm[a] = 0;
            }
        }
        return new NDArray[] {NDArray.wrap(x.dtype(), os, out)};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (!x.dtype().isFloat()) {
            return List.of(ShapeOpSupport.castLike(null, x));
        }
        int d = Math.max(x.ndim(), reps.length);
        int[] r = paddedReps(d);
        List<Object> view = new ArrayList<>();
        int[] repAxes = new int[d];
        for (int a = 0; a < d; a++) {
            int ax = a - (d - x.ndim());
            view.add(r[a]);
            view.add(ax < 0 ? (Object) 1 : T.shape(x, ax));
            repAxes[a] = 2 * a;
        }
        Variable g = T.reshape(outputGrads.get(0), T.stackShape(view));
        g = T.sum(g, repAxes);
        if (d != x.ndim()) {
            g = T.reshape(g, Shape.apply(x));
        }
        return List.of(ShapeOpSupport.likeInput(g, x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) || !inputs.get(0).dtype().isFloat() ? DisconnectedType.create() : makeNode(t).out());
    }

    @Override
    protected Object[] props() {
        return new Object[] {reps};
    }

    @Override
    public String toString() {
        return "Tile{" + Arrays.toString(reps) + "}";
    }

}
