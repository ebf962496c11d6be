package org.gradaudit.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor type: a dtype and a broadcastable pattern, one flag per dimension. A broadcastable
 * dimension always has length 1 and broadcasts against any length in elementwise ops, as in
 * Theano; a non-broadcastable dimension must match exactly.
 */
public final class TensorType extends Type {
    private static final long serialVersionUID = 1L;

    private final DType dtype;
    private final boolean[] broadcastable;

    public TensorType(DType dtype, boolean... broadcastable) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.broadcastable = broadcastable.clone();
    }

    /** A type of the given ndim with no broadcastable dimension. */
    public static TensorType of(DType dtype, int ndim) {
        return new TensorType(dtype, new boolean[ndim]);
    }

    /** The type Theano's {@code verify_grad} gives a value: size-1 dimensions are broadcastable. */
    public static TensorType ofValue(NDArray value) {
        boolean[] b = new boolean[value.ndim()];
        for (int i = 0; i < b.length; i++) {
            b[i] = value.shape(i) == 1;
        }
        return new TensorType(value.dtype(), b);
    }

    public DType dtype() { return dtype; }

    public int ndim() { return broadcastable.length; }

    public boolean[] broadcastable() { return broadcastable.clone(); }

    public boolean broadcastable(int axis) { return broadcastable[axis]; }

    /** The same pattern with another dtype. */
    public TensorType withDType(DType d) {
        return d == dtype ? this : new TensorType(d, broadcastable);
    }

    /**
     * Null when {@code value} is a valid value of this type, otherwise a sentence saying why not
     * (dtype, ndim, or a broadcastable dimension whose length is not 1).
     */
    public String mismatch(NDArray value) {
        if (value.dtype() != dtype) {
            return "dtype " + value.dtype() + " where " + dtype + " is expected";
        }
        if (value.ndim() != ndim()) {
            return "ndim " + value.ndim() + " (shape " + Arrays.toString(value.shape()) + ") where "
                    + ndim() + " is expected";
        }
        for (int i = 0; i < broadcastable.length; i++) {
            if (broadcastable[i] && value.shape(i) != 1) {
                return "shape " + Arrays.toString(value.shape()) + " has length " + value.shape(i)
                        + " on axis " + i + ", which the type " + this + " declares broadcastable (length 1)";
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorType && ((TensorType) o).dtype == dtype
                && Arrays.equals(((TensorType) o).broadcastable, broadcastable);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(broadcastable);
    }

    /** Theano's notation, e.g. {@code TensorType(float64, (False, True))}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TensorType(").append(dtype).append(", (");
        for (int i = 0; i < broadcastable.length; i++) {
            sb.append(i > 0 ? ", " : "").append(broadcastable[i] ? "True" : "False");
        }
        if (broadcastable.length == 1) {
            sb.append(',');
        }
        return sb.append("))").toString();
    }
}
