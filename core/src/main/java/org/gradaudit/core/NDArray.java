package org.gradaudit.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An immutable n-dimensional array value: a dtype, a shape and row-major (C order) data.
 *
 * <p>Elements are stored as doubles already coerced to the dtype (see {@link DType}). Ops never
 * modify an NDArray; every result is a new one. Shapes may contain zeros (empty arrays).
 */
public final class NDArray implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DType dtype;
    private final int[] shape;
    private final double[] data;

    private NDArray(DType dtype, int[] shape, double[] data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * Wraps {@code data} without copying. The caller hands over ownership: {@code data} must
     * already hold values of {@code dtype} and must never be written again.
     */
    public static NDArray wrap(DType dtype, int[] shape, double[] data) {
        int[] s = shape.clone();
        long n = checkShape(s);
        if (n != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape "
                    + Arrays.toString(s) + " needs " + n);
        }
        return new NDArray(dtype, s, data);
    }

    /** Copies {@code data} and coerces each element to {@code dtype}. */
    public static NDArray of(DType dtype, int[] shape, double... data) {
        double[] d = data.clone();
        dtype.coerceAll(d);
        return wrap(dtype, shape, d);
    }

    /** A float64 vector. */
    public static NDArray of(double... values) {
        return of(DType.FLOAT64, new int[] {values.length}, values);
    }

    /** A float64 matrix from rows of equal length. */
    public static NDArray of(double[][] rows) {
        int m = rows.length;
        int n = m == 0 ? 0 : rows[0].length;
        double[] d = new double[m * n];
        for (int i = 0; i < m; i++) {
            if (rows[i].length != n) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length
                        + " elements, row 0 has " + n);
            }
            System.arraycopy(rows[i], 0, d, i * n, n);
        }
        return new NDArray(DType.FLOAT64, new int[] {m, n}, d);
    }

    /** A 0-d array. */
    public static NDArray scalar(DType dtype, double value) {
        return new NDArray(dtype, new int[0], new double[] {dtype.coerce(value)});
    }

    /** A float64 0-d array. */
    public static NDArray scalar(double value) {
        return scalar(DType.FLOAT64, value);
    }

    public static NDArray full(DType dtype, int[] shape, double value) {
        int[] s = shape.clone();
        double[] d = new double[Math.toIntExact(checkShape(s))];
        Arrays.fill(d, dtype.coerce(value));
        return new NDArray(dtype, s, d);
    }

    public static NDArray zeros(DType dtype, int... shape) {
        return full(dtype, shape, 0.0);
    }

    public static NDArray ones(DType dtype, int... shape) {
        return full(dtype, shape, 1.0);
    }

    private static long checkShape(int[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("negative dimension " + shape[i] + " at axis " + i
                        + " of shape " + Arrays.toString(shape));
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has more than 2^31 elements");
            }
        }
        return n;
    }

    public DType dtype() { return dtype; }

    public int ndim() { return shape.length; }

    public int[] shape() { return shape.clone(); }

    public int shape(int axis) { return shape[axis]; }

    public int size() { return data.length; }

    /** The element at a flat (C order) index. */
    public double getFlat(int i) { return data[i]; }

    /** The element at a multi-index. */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has "
                    + index.length + " entries for an array of shape " + Arrays.toString(shape));
        }
        int flat = 0;
        for (int k = 0; k < index.length; k++) {
            if (index[k] < 0 || index[k] >= shape[k]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index)
                        + " out of bounds for shape " + Arrays.toString(shape));
            }
            flat = flat * shape[k] + index[k];
        }
        return data[flat];
    }

    /** The single element of a size-1 array. */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs exactly one element, shape is " + Arrays.toString(shape));
        }
        return data[0];
    }

    /** A copy of the data in C order. */
    public double[] toDoubleArray() { return data.clone(); }

    /**
     * The backing array, for kernels. Never write to it: NDArrays are shared between slots,
     * programs and callers.
     */
    public double[] unsafeData() { return data; }

    public NDArray astype(DType to) {
        if (to == dtype) {
            return this;
        }
        double[] d = data.clone();
        to.coerceAll(d);
        return new NDArray(to, shape, d);
    }

    /** The same data with a new shape of equal size (shares the immutable data). */
    public NDArray reshape(int... newShape) {
        int[] s = newShape.clone();
        if (checkShape(s) != data.length) {
            throw new IllegalArgumentException("cannot reshape array of shape " + Arrays.toString(shape)
                    + " into shape " + Arrays.toString(s));
        }
        return new NDArray(dtype, s, data);
    }

    /** Multi-index of a flat C-order position in {@code shape}. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            if (shape[k] == 0) {
                return idx;
            }
            idx[k] = flat % shape[k];
            flat /= shape[k];
        }
        return idx;
    }

    /** Number of elements of a shape. */
    public static int sizeOf(int[] shape) {
        return Math.toIntExact(checkShape(shape));
    }

    public boolean hasNonFinite() {
        for (double v : data) {
            if (!Double.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    /** Equal dtype, shape and bit-identical elements (NaN equals NaN). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NDArray)) {
            return false;
        }
        NDArray a = (NDArray) o;
        return dtype == a.dtype && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    /** True when shapes agree and every element is within {@code atol + rtol * |b|} (NumPy's allclose). */
    public boolean allClose(NDArray b, double rtol, double atol) {
        if (!Arrays.equals(shape, b.shape)) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            double x = data[i];
            double y = b.data[i];
            if (Double.isNaN(x) || Double.isNaN(y)) {
                if (!(Double.isNaN(x) && Double.isNaN(y))) {
                    return false;
                }
            } else if (x != y && !(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (data.length > 1000) {
            sb.append("array(shape=").append(Arrays.toString(shape));
        } else {
            sb.append("array(");
            append(sb, 0, 0);
        }
        if (dtype != DType.FLOAT64) {
            sb.append(", dtype=").append(dtype.numpyName());
        }
        return sb.append(')').toString();
    }

    private int append(StringBuilder sb, int axis, int offset) {
        if (axis == shape.length) {
            sb.append(format(data[offset]));
            return offset + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            offset = append(sb, axis + 1, offset);
        }
        sb.append(']');
        return offset;
    }

    private String format(double v) {
        if (dtype.isBool()) {
            return v != 0 ? "True" : "False";
        }
        if (dtype.isInteger()) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
