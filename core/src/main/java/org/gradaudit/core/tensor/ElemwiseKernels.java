package org.gradaudit.core.tensor;

import java.util.Arrays;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/**
 * Broadcasting elementwise loops. The loops walk the output in rows of its last axis; each input
 * is read with its own stride (0 along broadcast axes), so nothing is materialised. The per-row
 * work is done by a {@link RowKernel}: one call per row, a plain loop inside.
 */
public final class ElemwiseKernels {
    private ElemwiseKernels() {}

    /** One row of an elementwise op: {@code out[o + j] = f(in_k[off_k + j * stride_k])}. */
    public interface RowKernel {
        void row(double[][] in, int[] off, int[] stride, double[] out, int o, int n);
    }

    /**
     * Applies {@code kernel} over the broadcast of {@code inputs} and coerces the result to
     * {@code outType}. Inputs are only read.
     */
    public static NDArray map(String opName, RowKernel kernel, DType outType, NDArray... inputs) {
        return mapInto(opName, kernel, outType, null, inputs);
    }

    /** {@link #map} into {@code buffer} when it has the output's size (else into a new array). */
    public static NDArray mapInto(String opName, RowKernel kernel, DType outType, double[] buffer, NDArray... inputs) {
        int k = inputs.length;
        int[][] shapes = new int[k][];
        double[][] data = new double[k][];
        for (int i = 0; i < k; i++) {
            shapes[i] = inputs[i].shape();
            data[i] = inputs[i].unsafeData();
        }
        int[] outShape = Broadcast.shape(opName, shapes);
        int size = NDArray.sizeOf(outShape);
        double[] out = buffer != null && buffer.length == size ? buffer : new double[size];
        if (size > 0) {
            boolean flat = true;
            for (int[] s : shapes) {
                flat &= Arrays.equals(s, outShape);
            }
            if (flat) {
                int[] off = new int[k];
                int[] stride = new int[k];
                Arrays.fill(stride, 1);
                kernel.row(data, off, stride, out, 0, size);
            } else {
                strided(kernel, data, shapes, outShape, out);
            }
        }
        outType.coerceAll(out);
        return NDArray.wrap(outType, outShape, out);
    }

    /**
     * {@link #map} again, in place, when only some input elements changed: {@code out} holds the
     * earlier result (same shapes); every output that reads a changed element is recomputed by the
     * same kernel, one element per call, so the bits are those of {@link #map}.
     * {@code changed[i]} lists the changed C-order positions of input {@code i} (null: none).
     * Returns the positions written, ascending, or null (and writes nothing) when more than
     * {@code maxFraction} of the outputs would be recomputed.
     */
    public static int[] update(RowKernel kernel, DType outType, NDArray[] inputs, int[][] changed, int[] outShape,
            double[] out, double maxFraction) {
        int nd = outShape.length;
        int size = out.length;
        if (size == 0) {
            return new int[0];
        }
        int[] outStrides = Broadcast.contiguousStrides(outShape);
        long limit = (long) (size * maxFraction);
        long bound = 0;
        for (int i = 0; i < inputs.length; i++) {
            if (changed[i] != null) {
                bound += changed[i].length * spread(inputs[i].shape(), outShape);
            }
        }
        if (bound > limit) {
            return null;
        }
        int[] pos = new int[(int) bound];
        int count = 0;
        for (int i = 0; i < inputs.length; i++) {
            if (changed[i] == null) {
                continue;
            }
            int[] s = inputs[i].shape();
            int shift = nd - s.length;
            int[] spreadAxes = new int[nd];            // output axes this input is broadcast along
            int nSpread = 0;
            for (int a = 0; a < nd; a++) {
                if (a < shift || (s[a - shift] == 1 && outShape[a] != 1)) {
                    spreadAxes[nSpread++] = a;
                }
            }
            long spread = spread(s, outShape);
            int[] inStrides = Broadcast.contiguousStrides(s);
            int[] counter = new int[nSpread];
            for (int idx : changed[i]) {
                int base = 0;
                for (int a = 0; a < s.length; a++) {
                    if (s[a] != 1 || outShape[a + shift] == 1) {
                        base += (idx / inStrides[a]) % s[a] * outStrides[a + shift];
                    }
                }
                // every output position that reads this element: odometer over the spread axes
                java.util.Arrays.fill(counter, 0);
                int o = base;
                for (long t = 0; t < spread; t++) {
                    pos[count++] = o;
                    for (int b = nSpread - 1; b >= 0; b--) {
                        int ax = spreadAxes[b];
                        o += outStrides[ax];
                        if (++counter[b] < outShape[ax]) {
                            break;
                        }
                        o -= outStrides[ax] * outShape[ax];
                        counter[b] = 0;
                    }
                }
            }
        }
        pos = distinctSorted(pos, count);
        int k = inputs.length;
        double[][] data = new double[k][];
        int[][] st = new int[k][];
        for (int i = 0; i < k; i++) {
            data[i] = inputs[i].unsafeData();
            st[i] = Broadcast.strides(inputs[i].shape(), outShape);
        }
        int[] off = new int[k];
        int[] unit = new int[k];
        for (int o : pos) {
            java.util.Arrays.fill(off, 0);
            for (int a = 0; a < nd; a++) {
                int c = o / outStrides[a] % outShape[a];
                for (int i = 0; i < k; i++) {
                    off[i] += c * st[i][a];
                }
            }
            kernel.row(data, off, unit, out, o, 1);
            out[o] = outType.coerce(out[o]);
        }
        return pos;
    }

    /** How many outputs of shape {@code out} read each element of an input of shape {@code in}. */
    private static long spread(int[] in, int[] out) {
        int shift = out.length - in.length;
        long spread = 1;
        for (int a = 0; a < out.length; a++) {
            if (a < shift || (in[a - shift] == 1 && out[a] != 1)) {
                spread *= out[a];
            }
        }
        return spread;
    }

    /** The first {@code n} values of {@code a}, sorted, without repeats (a new array). */
    public static int[] distinctSorted(int[] a, int n) {
        int[] r = java.util.Arrays.copyOf(a, n);
        java.util.Arrays.sort(r);
        int t = 0;
        for (int i = 0; i < n; i++) {
            if (t == 0 || r[i] != r[t - 1]) {
                r[t++] = r[i];
            }
        }
        return t == n ? r : java.util.Arrays.copyOf(r, t);
    }

    private static void strided(RowKernel kernel, double[][] data, int[][] shapes, int[] outShape, double[] out) {
        int k = data.length;
        int nd = outShape.length;
        int[][] st = new int[k][];
        for (int i = 0; i < k; i++) {
            st[i] = Broadcast.strides(shapes[i], outShape);
        }
        int rowLen = nd == 0 ? 1 : outShape[nd - 1];
        int rows = out.length / rowLen;
        int[] counter = new int[Math.max(nd - 1, 0)];
        int[] off = new int[k];
        int[] rowStride = new int[k];
        for (int i = 0; i < k; i++) {
            rowStride[i] = nd == 0 ? 0 : st[i][nd - 1];
        }
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < k; i++) {
                int o = 0;
                for (int a = 0; a < counter.length; a++) {
                    o += counter[a] * st[i][a];
                }
                off[i] = o;
            }
            kernel.row(data, off, rowStride, out, r * rowLen, rowLen);
            for (int a = counter.length - 1; a >= 0; a--) {
                if (++counter[a] < outShape[a]) {
                    break;
                }
                counter[a] = 0;
            }
        }
    }
}
