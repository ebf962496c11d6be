package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.gradaudit.core.tensor.Broadcast;
import org.gradaudit.core.tensor.IndexKernels;

/**
 * {@code x[i0, ..., i(k-1)]} with k integer index arrays on the <em>leading</em> k axes of x,
 * broadcast together (NumPy's advanced indexing), the remaining axes taken whole:
 * {@code out[b..., r...] = x[i0[b], ..., i(k-1)[b], r...]}, of shape
 * {@code broadcast(i0, ..., i(k-1)).shape + x.shape[k:]}. This is exactly NumPy's result for
 * this subset (adjacent advanced indices in front, so the broadcast axes come first). Not
 * supported: advanced indices after a slice, mixed with integer scalars of basic indexing, or
 * boolean masks. Index arrays are not connected; negative entries count from the end.
 *
 * <p>Linear in x: R-op {@code t[i...]}; L-op {@code advancedIncSubtensor(zeros_like(x)[i...], gz)}
 * (repeated positions accumulate).
 */
public final class AdvancedSubtensor extends Op {
    private static final long serialVersionUID = 1L;

    public static Variable apply(Variable x, Variable... idx) {
        List<Variable> in = new ArrayList<>();
        in.add(x);
        in.addAll(Arrays.asList(idx));
        return new AdvancedSubtensor().makeNode(in).out();
    }

    /** Type checks shared with the inc op: indices at {@code first..}; returns the broadcast flags of the index arrays. */
    static boolean[] checkIndices(Object op, TensorType x, List<Variable> inputs, int first) {
        int k = inputs.size() - first;
        if (k < 1 || k > x.ndim()) {
            throw new IllegalArgumentException(op + ": " + k + " index arrays for input 0 of ndim " + x.ndim()
                    + " (allowed: 1 to " + x.ndim() + ")");
        }
        int bnd = 0;
        for (int i = first; i < inputs.size(); i++) {
            TensorType t = Errors.requireTensor(op, i, inputs.get(i));
            if (!t.dtype().isInteger()) {
                throw new IllegalArgumentException(op + ": input " + i + " (an index array) has dtype " + t.dtype()
                        + "; an integer dtype is required");
            }
            bnd = Math.max(bnd, t.ndim());
        }
        boolean[] b = new boolean[bnd];
        Arrays.fill(b, true);
        for (int i = first; i < inputs.size(); i++) {
            boolean[] ib = inputs.get(i).broadcastable();
            for (int a = 0; a < ib.length; a++) {
                b[a + bnd - ib.length] &= ib[a];
            }
        }
        return b;
    }

    static boolean[] outBroadcastable(TensorType x, boolean[] bb, int k) {
        boolean[] xb = x.broadcastable();
        boolean[] r = new boolean[bb.length + xb.length - k];
        System.arraycopy(bb, 0, r, 0, bb.length);
        System.arraycopy(xb, k, r, bb.length, xb.length - k);
        return r;
    }

    /** The region: gather map and shape {@code bshape + xs[k:]}. */
    static BasicIndex.Region region(String op, int[] xs, NDArray[] in, int first) {
        int k = in.length - first;
        int[][] shapes = new int[k][];
        for (int i = 0; i < k; i++) {
            shapes[i] = in[first + i].shape();
        }
        int[] bshape = Broadcast.shape(op, shapes);
        int nb = NDArray.sizeOf(bshape);
        int[] xst = Broadcast.contiguousStrides(xs);
        int inner = 1;
        for (int a = k; a < xs.length; a++) {
            inner *= xs[a];
        }
        int[] lead = new int[nb];
        for (int i = 0; i < k; i++) {
            double[] d = in[first + i].unsafeData();
            int[] st = Broadcast.strides(shapes[i], bshape);
            int[] c = new int[bshape.length];
            int o = 0;
            for (int b = 0; b < nb; b++) {
                lead[b] += IndexKernels.index(op, i, xs[i], d[o]) * xst[i];
                for (int a = bshape.length - 1; a >= 0; a--) {
                    o += st[a];
                    if (++c[a] < bshape[a]) {
                        break;
                    }
                    o -= st[a] * bshape[a];
                    c[a] = 0;
                }
            }
        }
        int[] map = new int[nb * inner];
        for (int b = 0; b < nb; b++) {
            for (int j = 0; j < inner; j++) {
                map[b * inner + j] = lead[b] + j;
            }
        }
        int[] shape = new int[bshape.length + xs.length - k];
        System.arraycopy(bshape, 0, shape, 0, bshape.length);
        System.arraycopy(xs, k, shape, bshape.length, xs.length - k);
        return new BasicIndex.Region(map, shape);
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() < 2) {
            throw Errors.arity(this, 2, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        boolean[] bb = checkIndices(this, x, inputs, 1);
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), outBroadcastable(x, bb, inputs.size() - 1))));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        BasicIndex.Region r = region(toString(), in[0].shape(), in, 1);
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
            r.add(new AdvancedIncSubtensor(false).makeNode(in).out());
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
        return new Object[0];
    }
}
