package org.gradaudit.core.tensor;

import java.util.Arrays;

/** NumPy broadcasting of shapes: ranks aligned on the right; a length-1 axis stretches. */
public final class Broadcast {
    private Broadcast() {}

    /**
     * The broadcast shape of {@code shapes}, or an {@link IllegalArgumentException} naming the
     * first pair of incompatible shapes and the axis (counted from the end, as NumPy does).
     */
    public static int[] shape(String opName, int[]... shapes) {
        int nd = 0;
        for (int[] s : shapes) {
            nd = Math.max(nd, s.length);
        }
        int[] out = new int[nd];
        Arrays.fill(out, 1);
        int[] from = new int[nd];
        Arrays.fill(from, -1);
        for (int k = 0; k < shapes.length; k++) {
            int[] s = shapes[k];
            int shift = nd - s.length;
            for (int i = 0; i < s.length; i++) {
                int d = s[i];
                int o = out[i + shift];
                if (d == o || d == 1) {
                    continue;
                }
                if (o == 1) {
                    out[i + shift] = d;
                    from[i + shift] = k;
                } else {
                    throw new IllegalArgumentException(opName + ": input " + k + " of shape "
                            + Arrays.toString(s) + " does not broadcast with input " + from[i + shift]
                            + " of shape " + Arrays.toString(shapes[from[i + shift]]) + " (axis "
                            + (i + shift) + ": " + d + " vs " + o + ")");
                }
            }
        }
        return out;
    }

    /**
     * Element strides of an input of shape {@code in} read at positions of {@code out} (ranks
     * aligned on the right): 0 along broadcast axes, C-order strides otherwise.
     */
    public static int[] strides(int[] in, int[] out) {
        int nd = out.length;
        int shift = nd - in.length;
        int[] st = new int[nd];
        int stride = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            st[i + shift] = in[i] == 1 && out[i + shift] != 1 ? 0 : stride;
            stride *= in[i];
        }
        return st;
    }

    /** C-order strides of a contiguous array. */
    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = stride;
            stride *= shape[i];
        }
        return st;
    }
}
