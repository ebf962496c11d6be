package org.gradaudit.core.tensor;

import java.util.Arrays;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;

/**
 * Indexing kernels. Every indexing op (basic slicing, integer-array indexing) is reduced to a
 * <em>gather map</em>: {@code map[k]} is the flat C-order position in x of element k (C order)
 * of the indexed region. Then
 * <ul>
 *   <li>{@link #gather}: {@code out[k] = x[map[k]]};</li>
 *   <li>{@link #scatter}: {@code out = copy(x); out[map[k]] += y_b[k]} (or {@code =} for set),
 *       k ascending, where {@code y_b} is y broadcast to the region's shape. Repeated positions
 *       accumulate for inc; for set the last write wins.</li>
 * </ul>
 * Neither modifies its arguments.
 */
public final class IndexKernels {
    private IndexKernels() {}

    /** Marker for an absent slice component ({@code None} in NumPy). */
    public static final long NONE = Long.MIN_VALUE;

    /**
     * The positions selected by {@code start:stop:step} on an axis of length n, with NumPy's rules
     * ({@code PySlice_AdjustIndices}): negative bounds count from the end, out-of-range bounds are
     * clamped (never an error), a negative step walks backwards with defaults n-1 and "before 0",
     * and an empty selection is allowed. step 0 is an error.
     */
    public static int[] slicePositions(String op, int axis, int n, long start, long stop, long step) {
        long st = step == NONE ? 1 : step;
        if (st == 0) {
            throw new IllegalArgumentException(op + ": slice step on axis " + axis + " is 0; a slice step must be non-zero");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == NONE ? 0 : clamp(start < 0 ? start + n : start, 0, n);
            hi = stop == NONE ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
        } else {
            lo = start == NONE ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
            hi = stop == NONE ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
        }
        long len = st > 0 ? (hi > lo ? (hi - lo - 1) / st + 1 : 0) : (lo > hi ? (lo - hi - 1) / (-st) + 1 : 0);
        int[] p = new int[(int) len];
        for (int i = 0; i < p.length; i++) {
            p[i] = (int) (lo + i * st);
        }
        return p;
    }

    private static long clamp(long v, long lo, long hi) {
        return v < lo ? lo : v > hi ? hi : v;
    }

    /**
     * An integer index on an axis of length n: negative counts from the end; out of range is an
     * error naming the op, the axis, the index and the length.
     */
    public static int index(String op, int axis, int n, double idx) {
        long i = (long) idx;
        long j = i < 0 ? i + n : i;
        if (j < 0 || j >= n) {
            throw new IndexOutOfBoundsException(op + ": index " + i + " is out of bounds for axis " + axis
                    + " with size " + n + " (allowed: " + (-n) + " to " + (n - 1) + ")");
        }
        return (int) j;
    }

    /**
     * The gather map of a product of per-axis position lists: region element
     * {@code (c_0, ..., c_{d-1})} maps to {@code sum_a pos[a][c_a] * stride_a(xShape)}.
     */
    public static int[] productMap(int[] xShape, int[][] pos) {
        int nd = xShape.length;
        int[] st = Broadcast.contiguousStrides(xShape);
        int[] len = new int[nd];
        long size = 1;
        for (int a = 0; a < nd; a++) {
            len[a] = pos[a].length;
            size *= len[a];
        }
        int[] map = new int[(int) size];
        if (size == 0) {
            return map;
        }
        int[] c = new int[nd];
        int off = 0;
        for (int a = 0; a < nd; a++) {
            off += pos[a][0] * st[a];
        }
        for (int k = 0; k < map.length; k++) {
            map[k] = off;
            for (int a = nd - 1; a >= 0; a--) {
                off -= pos[a][c[a]] * st[a];
                if (++c[a] < len[a]) {
                    off += pos[a][c[a]] * st[a];
                    break;
                }
                c[a] = 0;
                off += pos[a][0] * st[a];
            }
        }
        return map;
    }

    /** {@code out[k] = x[map[k]]}, of shape {@code outShape} and x's dtype. */
    public static NDArray gather(NDArray x, int[] map, int[] outShape) {
        double[] src = x.unsafeData();
        double[] out = new double[map.length];
        for (int k = 0; k < map.length; k++) {
            out[k] = src[map[k]];
        }
        return NDArray.wrap(x.dtype(), outShape, out);
    }

    /**
     * A copy of x with {@code y} (broadcast to {@code regionShape}, ranks aligned on the right)
     * added to ({@code set == false}) or written at ({@code set == true}) the positions
     * {@code map}, in ascending k: repeats accumulate, or the last one wins. The result keeps x's
     * dtype; each update is rounded to it.
     */
    public static NDArray scatter(String op, NDArray x, NDArray y, int[] map, int[] regionShape, boolean set) {
        int[] ys = y.shape();
        if (ys.length > regionShape.length) {
            throw new IllegalArgumentException(op + ": input 1 of shape " + Arrays.toString(ys)
                    + " has more dimensions than the indexed region of shape " + Arrays.toString(regionShape));
        }
        int shift = regionShape.length - ys.length;
        for (int a = 0; a < ys.length; a++) {
            if (ys[a] != 1 && ys[a] != regionShape[a + shift]) {
                throw new IllegalArgumentException(op + ": input 1 of shape " + Arrays.toString(ys)
                        + " cannot be broadcast to the indexed region of shape " + Arrays.toString(regionShape)
                        + " (axis " + (a + shift) + " of the region: " + ys[a] + " vs " + regionShape[a + shift] + ")");
            }
        }
        DType dt = x.dtype();
        double[] out = x.toDoubleArray();
        double[] yd = y.unsafeData();
        int[] yst = Broadcast.strides(ys, regionShape);
        int nd = regionShape.length;
        int[] c = new int[nd];
        int yo = 0;
        for (int k = 0; k < map.length; k++) {
            double v = yd[yo];
            int m = map[k];
            double r = set ? v : out[m] + v;
            out[m] = dt == DType.FLOAT64 ? r : dt == DType.FLOAT32 ? (float) r : dt.coerce(r);
            for (int a = nd - 1; a >= 0; a--) {
                yo += yst[a];
                if (++c[a] < regionShape[a]) {
                    break;
                }
                yo -= yst[a] * regionShape[a];
                c[a] = 0;
            }
        }
        return NDArray.wrap(dt, x.shape(), out);
    }
}
