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
 * Theano's DimShuffle: output axis k is input axis {@code order[k]}, or a new broadcastable axis
 * of length 1 where {@code order[k] == -1} ("x"). Input axes left out are dropped and must be
 * broadcastable. Transpose is {@code order = [n-1, ..., 0]}. Linear: R-op is the same shuffle of
 * the tangent; L-op is the inverse shuffle.
 */
public final class DimShuffle extends Op {
    private static final long serialVersionUID = 1L;

    /** The marker for a new axis in {@link #DimShuffle(int, int[])}'s order. */
    public static final int NEW_AXIS = -1;

    private final int inputNdim;
    private final int[] order;

    public DimShuffle(int inputNdim, int[] order) {
        this.inputNdim = inputNdim;
        this.order = order.clone();
        boolean[] seen = new boolean[inputNdim];
        for (int a : order) {
            if (a == NEW_AXIS) {
                continue;
            }
            if (a < 0 || a >= inputNdim) {
                throw new IllegalArgumentException("DimShuffle: axis " + a + " in pattern "
                        + patternString() + " is out of range for an input of ndim " + inputNdim);
            }
            if (seen[a]) {
                throw new IllegalArgumentException("DimShuffle: axis " + a + " appears twice in pattern " + patternString());
            }
            seen[a] = true;
        }
    }

    /** Parses a pattern of axis numbers and "x" (new axis). */
    public static int[] parsePattern(Object... pattern) {
        int[] order = new int[pattern.length];
        for (int k = 0; k < pattern.length; k++) {
            Object p = pattern[k];
            if ("x".equals(p)) {
                order[k] = NEW_AXIS;
            } else if (p instanceof Integer) {
                order[k] = (Integer) p;
            } else {
                throw new IllegalArgumentException("DimShuffle: pattern entry " + k + " is " + p
                        + "; expected an axis number or \"x\"");
            }
        }
        return order;
    }

    public int[] order() { return order.clone(); }

    private boolean kept(int axis) {
        for (int a : order) {
            if (a == axis) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 1) {
            throw Errors.arity(this, 1, inputs.size());
        }
        TensorType x = Errors.requireTensor(this, 0, inputs.get(0));
        if (x.ndim() != inputNdim) {
            throw new IllegalArgumentException(this + ": input 0 has ndim " + x.ndim() + ", the pattern "
                    + patternString() + " is for ndim " + inputNdim);
        }
        for (int a = 0; a < inputNdim; a++) {
            if (!kept(a) && !x.broadcastable(a)) {
                throw new IllegalArgumentException(this + ": cannot drop axis " + a + " of input 0 of type "
                        + x + ": only broadcastable axes can be dropped");
            }
        }
        boolean[] b = new boolean[order.length];
        for (int k = 0; k < order.length; k++) {
            b[k] = order[k] == NEW_AXIS || x.broadcastable(order[k]);
        }
        return Apply.create(this, inputs, List.of(new TensorType(x.dtype(), b)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return shuffle(in[0], null);
    }

    /** A copy into the buffer when the axes move; null (perform: a view of the input) when they do not. */
    @Override
    public NDArray[] performInto(NDArray[] in, double[][] buffers) {
        int prev = -1;
        for (int k : order) {
            if (k != NEW_AXIS) {
                if (k < prev) {
                    return shuffle(in[0], buffers[0]);
                }
                prev = k;
            }
        }
        return null;
    }

    private NDArray[] shuffle(NDArray x, double[] buffer) {
        int[] xs = x.shape();
        for (int a = 0; a < inputNdim; a++) {
            if (!kept(a) && xs[a] != 1) {
                throw new IllegalArgumentException(this + ": cannot drop axis " + a + " of length " + xs[a]
                        + " (input shape " + Arrays.toString(xs) + ")");
            }
        }
        int[] os = new int[order.length];
        List<Integer> keptAxes = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            os[k] = order[k] == NEW_AXIS ? 1 : xs[order[k]];
            if (order[k] != NEW_AXIS) {
                keptAxes.add(order[k]);
            }
        }
        boolean monotone = true;
        for (int i = 1; i < keptAxes.size(); i++) {
            monotone &= keptAxes.get(i) > keptAxes.get(i - 1);
        }
        if (monotone) {
            return new NDArray[] {x.reshape(os)};
        }
        int[] xst = org.gradaudit.core.tensor.Broadcast.contiguousStrides(xs);
        int[] st = new int[order.length];
        for (int k = 0; k < order.length; k++) {
            st[k] = order[k] == NEW_AXIS ? 0 : xst[order[k]];
        }
        double[] src = x.unsafeData();
        double[] out = buffer != null && buffer.length == src.length ? buffer : new double[src.length];
        // a matrix transpose (once axes of length 1 are set aside): in tiles, so that both sides
        // are read and written a cache line at a time
        int[] big = new int[2];
        int nBig = 0;
        for (int k = 0; k < os.length; k++) {
            if (os[k] != 1) {
                if (nBig == 2) {
                    nBig = 3;
                    break;
                }
                big[nBig++] = k;
            }
        }
        if (nBig == 2 && st[big[0]] == 1 && st[big[1]] == os[big[0]]) {
            int rows = os[big[0]];
            int cols = os[big[1]];
            for (int i0 = 0; i0 < rows; i0 += 32) {
                int i1 = Math.min(rows, i0 + 32);
                for (int j0 = 0; j0 < cols; j0 += 32) {
                    int j1 = Math.min(cols, j0 + 32);
                    for (int i = i0; i < i1; i++) {
                        for (int j = j0; j < j1; j++) {
                            out[i * cols + j] = src[j * rows + i];
                        }
                    }
                }
            }
            return new NDArray[] {NDArray.wrap(x.dtype(), os, out)};
        }
        int[] counter = new int[os.length];
        int off = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = src[off];
            for (int a = os.length - 1; a >= 0; a--) {
                off += st[a];
                if (++counter[a] < os[a]) {
                    break;
                }
                off -= st[a] * os[a];
                counter[a] = 0;
            }
        }
        return new NDArray[] {NDArray.wrap(x.dtype(), os, out)};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable gz = outputGrads.get(0);
        List<Integer> newAxes = new ArrayList<>();
        List<Integer> keptOrder = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            if (order[k] == NEW_AXIS) {
                newAxes.add(k);
            } else {
                keptOrder.add(order[k]);
            }
        }
        Variable g = gz;
        if (!newAxes.isEmpty()) {
            // sum over the inserted length-1 axes: drops them whatever gz's broadcastable flags say
            g = T.sum(g, newAxes.stream().mapToInt(Integer::intValue).toArray());
        }
        Object[] back = new Object[inputNdim];
        for (int a = 0; a < inputNdim; a++) {
            int pos = keptOrder.indexOf(a);
            back[a] = pos < 0 ? "x" : (Object) pos;
        }
        g = T.dimshuffle(g, back);
        if (x.dtype().isFloat() && g.dtype() != x.dtype()) {
            g = T.cast(g, x.dtype());
        }
        return List.of(g);
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        return List.of(DisconnectedType.is(t) ? DisconnectedType.create() : makeNode(t).out());
    }

    private String patternString() {
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < order.length; k++) {
            sb.append(k > 0 ? "," : "").append(order[k] == NEW_AXIS ? "x" : Integer.toString(order[k]));
        }
        return sb.append(')').toString();
    }

    @Override
    protected Object[] props() {
        return new Object[] {inputNdim, order};
    }

    @Override
    public String toString() {
        return "DimShuffle{" + patternString().substring(1, patternString().length() - 1) + "}";
    }
}
