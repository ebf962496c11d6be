package org.gradaudit.core;

import java.util.Arrays;

/**
 * The one place error messages are made. Every message names the op, the input position and the
 * types or shapes involved, and says what was allowed.
 */
public final class Errors {
    private Errors() {}

    public static IllegalArgumentException arity(Object op, int expected, int got) {
        return new IllegalArgumentException(op + " takes " + expected + " input" + (expected == 1 ? "" : "s")
                + ", got " + got);
    }

    /** The tensor type of input {@code i} of {@code op}, or an error naming both. */
    public static TensorType requireTensor(Object op, int i, Variable v) {
        if (v == null) {
            throw new IllegalArgumentException(op + ": input " + i + " is null");
        }
        if (!(v.type() instanceof TensorType)) {
            throw new IllegalArgumentException(op + ": input " + i + " (" + v + ") has type " + v.type()
                    + "; a tensor is required" + (v.type() instanceof NullType
                    ? " (" + ((NullType) v.type()).whyNull() + ")" : ""));
        }
        return (TensorType) v.type();
    }

    public static IllegalArgumentException axisOutOfRange(Object op, int axis, int ndim) {
        return new IllegalArgumentException(op + ": axis " + axis + " is out of range for an input of ndim "
                + ndim + " (allowed: " + (-ndim) + " to " + (ndim - 1) + ")");
    }

    /** Axes with negatives counted from the end, sorted; duplicates and out-of-range axes are errors. */
    public static int[] normalizeAxes(Object op, int[] axes, int ndim) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i] < 0 ? axes[i] + ndim : axes[i];
            if (a < 0 || a >= ndim) {
                throw axisOutOfRange(op, axes[i], ndim);
            }
            r[i] = a;
        }
        Arrays.sort(r);
        for (int i = 1; i < r.length; i++) {
            if (r[i] == r[i - 1]) {
                throw new IllegalArgumentException(op + ": axis " + r[i] + " is given twice in "
                        + Arrays.toString(axes));
            }
        }
        return r;
    }
}
