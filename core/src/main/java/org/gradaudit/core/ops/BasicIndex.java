package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.IndexKernels;

/**
 * The basic-index description shared by {@link Subtensor} and {@link IncSubtensor} (Theano's
 * {@code idx_list}): one entry per leading axis of x, either an integer index (drops the axis) or
 * a slice; axes after the last entry are taken whole. Each number is absent, a constant, or the
 * k-th extra input (a 0-d integer variable). Encoded as plain ints so ops compare by value and
 * serialize trivially: {@code entry = {kind, startKind, start, stopKind, stop, stepKind, step}}.
 */
final class BasicIndex {
    private BasicIndex() {}

    static final int SLICE = 0;
    static final int INDEX = 1;
    static final int NONE = 0;
    static final int CONST = 1;
    static final int INPUT = 2;

    /** A parsed index: the encoded spec and the symbolic extra inputs it refers to. */
    record Parsed(int[][] spec, List<Variable> extras) {}

    /** Parses user entries: Integer/Long (index), 0-d int Variable (symbolic index), {@link Slice}. */
    static Parsed parse(String op, int ndim, Object[] idx) {
        if (idx.length > ndim) {
            throw new IllegalArgumentException(op + ": " + idx.length + " indices for input 0 of ndim " + ndim
                    + " (at most " + ndim + " allowed)");
        }
        int[][] spec = new int[idx.length][];
        List<Variable> extras = new ArrayList<>();
        for (int a = 0; a < idx.length; a++) {
            Object e = idx[a];
            int[] s = new int[7];
            if (e instanceof Slice) {
                Slice sl = (Slice) e;
                s[0] = SLICE;
                put(s, 1, sl.start(), extras);
                put(s, 3, sl.stop(), extras);
                put(s, 5, sl.step(), extras);
            } else if (e instanceof Integer || e instanceof Long
                    || (e instanceof Variable && ((Variable) e).isTensor() && ((Variable) e).ndim() == 0
                    && ((Variable) e).dtype().isInteger())) {
                s[0] = INDEX;
                put(s, 1, e, extras);
            } else {
                throw new IllegalArgumentException(op + ": index entry " + a + " is " + e + (e instanceof Variable
                        ? " of type " + ((Variable) e).type() : "") + "; basic indexing takes an int, a 0-d integer"
                        + " variable or a slice (integer arrays go to advancedSubtensor)");
            }
            spec[a] = s;
        }
        return new Parsed(spec, extras);
    }

    private static void put(int[] s, int at, Object v, List<Variable> extras) {
        if (v == null) {
            s[at] = NONE;
        } else if (v instanceof Variable) {
            s[at] = INPUT;
            s[at + 1] = extras.size();
            extras.add((Variable) v);
        } else {
            long c = ((Number) v).longValue();
            if (c != (int) c) {
                throw new IllegalArgumentException("index bound " + c + " does not fit in an int");
            }
            s[at] = CONST;
            s[at + 1] = (int) c;
        }
    }

    static int nExtras(int[][] spec) {
        int n = 0;
        for (int[] s : spec) {
            for (int at = 1; at < 7; at += 2) {
                if (s[at] == INPUT) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Checks the extra inputs (positions {@code first..}) are 0-d integers; the spec fits x's ndim. */
    static void checkInputs(Object op, int[][] spec, TensorType x, List<Variable> inputs, int first) {
        if (spec.length > x.ndim()) {
            throw new IllegalArgumentException(op + ": " + spec.length + " indices for input 0 of ndim " + x.ndim());
        }
        int n = nExtras(spec);
        if (inputs.size() != first + n) {
            throw Errors.arity(op, first + n, inputs.size());
        }
        for (int i = first; i < inputs.size(); i++) {
            TensorType t = Errors.requireTensor(op, i, inputs.get(i));
            if (t.ndim() != 0 || !t.dtype().isInteger()) {
                throw new IllegalArgumentException(op + ": input " + i + " (an index bound) has type " + t
                        + "; a 0-d integer is required");
            }
        }
    }

    /** Broadcastable flags of the indexed region: indexed axes dropped; only a full slice keeps a flag. */
    static boolean[] regionBroadcastable(int[][] spec, boolean[] xb) {
        List<Boolean> b = new ArrayList<>();
        for (int a = 0; a < xb.length; a++) {
            if (a >= spec.length) {
                b.add(xb[a]);
            } else if (spec[a][0] == SLICE) {
                boolean full = spec[a][1] == NONE && spec[a][3] == NONE && (spec[a][5] == NONE
                        || (spec[a][5] == CONST && spec[a][6] == 1));
                b.add(full && xb[a]);
            }
        }
        boolean[] r = new boolean[b.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = b.get(i);
        }
        return r;
    }

    /** The region of x selected by the spec: its gather map and shape. */
    record Region(int[] map, int[] shape) {}

    static Region region(String op, int[][] spec, int[] xs, NDArray[] in, int first) {
        int nd = xs.length;
        int[][] pos = new int[nd][];
        List<Integer> shape = new ArrayList<>();
        for (int a = 0; a < nd; a++) {
            if (a >= spec.length) {
                pos[a] = IndexKernels.slicePositions(op, a, xs[a], IndexKernels.NONE, IndexKernels.NONE, IndexKernels.NONE);
                shape.add(xs[a]);
                continue;
            }
            int[] s = spec[a];
            if (s[0] == INDEX) {
                pos[a] = new int[] {IndexKernels.index(op, a, xs[a], value(s, 1, in, first))};
            } else {
                pos[a] = IndexKernels.slicePositions(op, a, xs[a], value(s, 1, in, first), value(s, 3, in, first),
                        value(s, 5, in, first));
                shape.add(pos[a].length);
            }
        }
        return new Region(IndexKernels.productMap(xs, pos), shape.stream().mapToInt(Integer::intValue).toArray());
    }

    private static long value(int[] s, int at, NDArray[] in, int first) {
        switch (s[at]) {
            case CONST: return s[at + 1];
            case INPUT: return (long) in[first + s[at + 1]].item();
            default: return IndexKernels.NONE;
        }
    }

    /** NumPy notation, e.g. {@code [1:-1, ::-2, i0]} (iK is the K-th symbolic input). */
    static String format(int[][] spec) {
        StringBuilder sb = new StringBuilder("[");
        for (int a = 0; a < spec.length; a++) {
            int[] s = spec[a];
            sb.append(a > 0 ? ", " : "");
            if (s[0] == INDEX) {
                sb.append(num(s, 1));
            } else {
                sb.append(num(s, 1)).append(':').append(num(s, 3));
                if (s[5] != NONE) {
                    sb.append(':').append(num(s, 5));
                }
            }
        }
        return sb.append(']').toString();
    }

    private static String num(int[] s, int at) {
        return s[at] == NONE ? "" : s[at] == CONST ? Integer.toString(s[at + 1]) : "i" + s[at + 1];
    }

    static int[][] copy(int[][] spec) {
        int[][] c = new int[spec.length][];
        for (int i = 0; i < spec.length; i++) {
            c[i] = Arrays.copyOf(spec[i], 7);
        }
        return c;
    }
}
