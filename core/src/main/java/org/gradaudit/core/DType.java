package org.gradaudit.core;

import java.util.Locale;

/**
 * Element types of tensors, with NumPy's names and promotion rules.
 *
 * <p>Every value is held in a {@code double} slot and <em>coerced</em> to the dtype's value set
 * after each operation: float32 and float16 round to nearest, integers truncate toward zero and
 * wrap, bool is 0 or 1. This gives exact float32/float16 arithmetic for +, -, *, /, sqrt (double
 * rounding is innocuous with 53 >= 2*24+2 bits) and one kernel path for all dtypes. int64 values
 * are exact up to 2^53 in magnitude; larger int64 values lose their low bits (documented limit).
 */
public enum DType {
    BOOL("bool", 1, Kind.BOOL),
    INT8("int8", 1, Kind.INT),
    INT16("int16", 2, Kind.INT),
    INT32("int32", 4, Kind.INT),
    INT64("int64", 8, Kind.INT),
    UINT8("uint8", 1, Kind.UINT),
    FLOAT16("float16", 2, Kind.FLOAT),
    FLOAT32("float32", 4, Kind.FLOAT),
    FLOAT64("float64", 8, Kind.FLOAT);

    enum Kind { BOOL, INT, UINT, FLOAT }

    /** Theano's {@code config.floatX}: the float dtype that gradients of integer variables get. */
    public static final DType FLOATX = FLOAT64;

    private final String numpyName;
    private final int itemSize;
    private final Kind kind;

    DType(String numpyName, int itemSize, Kind kind) {
        this.numpyName = numpyName;
        this.itemSize = itemSize;
        this.kind = kind;
    }

    /** The NumPy name, e.g. {@code "float64"}. */
    public String numpyName() { return numpyName; }

    public int itemSize() { return itemSize; }

    public boolean isFloat() { return kind == Kind.FLOAT; }

    /** bool and the integer dtypes (Theano's {@code discrete_dtypes}). */
    public boolean isDiscrete() { return kind != Kind.FLOAT; }

    public boolean isInteger() { return kind == Kind.INT || kind == Kind.UINT; }

    public boolean isBool() { return kind == Kind.BOOL; }

    /** Parses a NumPy dtype name ("float64", "f8" is not accepted). */
    public static DType of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (DType d : values()) {
            if (d.numpyName.equals(n)) {
                return d;
            }
        }
        if (n.equals("floatx")) {
            return FLOATX;
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'; expected one of "
                + java.util.Arrays.stream(values()).map(DType::numpyName).toList());
    }

    /**
     * Rounds or wraps {@code v} into this dtype's value set. NaN converts to 0 for integer dtypes
     * (NumPy leaves it undefined); infinities saturate before wrapping.
     */
    public double coerce(double v) {
        switch (this) {
            case FLOAT64: return v;
            case FLOAT32: return (float) v;
            case FLOAT16: return Half.round(v);
            case BOOL: return v != 0 ? 1.0 : 0.0;            // NaN != 0 is true, as in NumPy
            case INT8: return (byte) (long) v;
            case INT16: return (short) (long) v;
            case INT32: return (int) (long) v;
            case INT64: return (double) (long) v;
            case UINT8: return ((long) v) & 0xFF;
            default: throw new AssertionError(this);
        }
    }

    /** Coerces every element of {@code a} in place; a no-op for float64. */
    public void coerceAll(double[] a) {
        if (this == FLOAT64) {
            return;
        }
        if (this == FLOAT32) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) a[i];
            }
            return;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = coerce(a[i]);
        }
    }

    /** True when {@code v} is already a member of this dtype's value set. */
    public boolean holds(double v) {
        return Double.compare(coerce(v), v) == 0 || (isFloat() && Double.isNaN(v));
    }

    /**
     * NumPy's {@code promote_types}: the smallest dtype both can be cast to without loss
     * (int32 with float32 gives float64, int8 with float16 gives float16).
     */
    public static DType upcast(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a.kind == Kind.BOOL) {
            return b;
        }
        if (b.kind == Kind.BOOL) {
            return a;
        }
        if (a.isFloat() || b.isFloat()) {
            DType fa = a.isFloat() ? a : a.smallestExactFloat();
            DType fb = b.isFloat() ? b : b.smallestExactFloat();
            return fa.itemSize >= fb.itemSize ? fa : fb;
        }
        // both integer
        if (a.kind == b.kind) {
            return a.itemSize >= b.itemSize ? a : b;
        }
        DType u = a.kind == Kind.UINT ? a : b;
        DType s = a.kind == Kind.UINT ? b : a;
        if (s.itemSize > u.itemSize) {
            return s;
        }
        return signedOfSize(u.itemSize * 2);
    }

    /** Upcast over several dtypes; at least one must be given. */
    public static DType upcast(DType first, DType... rest) {
        DType r = first;
        for (DType d : rest) {
            r = upcast(r, d);
        }
        return r;
    }

    private DType smallestExactFloat() {
        switch (this) {
            case INT8: case UINT8: return FLOAT16;
            case INT16: return FLOAT32;
            default: return FLOAT64;
        }
    }

    private static DType signedOfSize(int bytes) {
        switch (bytes) {
            case 1: return INT8;
            case 2: return INT16;
            case 4: return INT32;
            default: return INT64;
        }
    }

    @Override
    public String toString() { return numpyName; }

    /** IEEE 754 binary16 rounding (round to nearest even), computed on doubles. */
    static final class Half {
        private Half() {}

        static double round(double v) {
            if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
                return v;
            }
            double a = Math.abs(v);
            if (a >= 65520.0) {                      // rounds past the largest half, 65504
                return Math.copySign(Double.POSITIVE_INFINITY, v);
            }
            int exp = Math.getExponent(a);
            // spacing of halves: 2^(exp-10) for normals (exp >= -14), 2^-24 for subnormals
            int e = Math.max(exp, -14) - 10;
            double scale = Math.scalb(1.0, -e);
            double r = Math.rint(a * scale) / scale;   // exact: power-of-two scaling, rint is ties-to-even
            return Math.copySign(r, v);
        }
    }
}
