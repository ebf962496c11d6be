package org.gradaudit.core;

import java.util.Arrays;
import org.gradaudit.core.ops.Cast;
import org.gradaudit.core.ops.DimShuffle;
import org.gradaudit.core.ops.Dot;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.ScalarOp;
import org.gradaudit.core.ops.Sum;

/**
 * The tensor façade, like {@code theano.tensor as T}: variable constructors per dtype, constants,
 * shared variables, and every op as a static method.
 *
 * <p>Operands typed {@code Object} accept a {@link Variable}, an {@link NDArray} or a Java number.
 * A number is a "weak" literal, as in Theano and NumPy: it takes the dtype of the tensor it meets
 * ({@code x * 2} keeps x float32; {@code i + 1} keeps i int32), and floatX when a fractional number
 * meets an integer tensor.
 */
public final class T {
    private T() {}

    // ---- variables ----

    /** A symbolic input of the given dtype and broadcastable pattern. */
    public static Variable tensor(DType dtype, boolean[] broadcastable, String name) {
        return new TensorType(dtype, broadcastable).make(name);
    }

    /** A symbolic input of the given dtype and ndim (no broadcastable axis). */
    public static Variable tensor(DType dtype, int ndim, String name) {
        return TensorType.of(dtype, ndim).make(name);
    }

    public static Variable scalar(String name) { return tensor(DType.FLOATX, 0, name); }
    public static Variable vector(String name) { return tensor(DType.FLOATX, 1, name); }
    public static Variable matrix(String name) { return tensor(DType.FLOATX, 2, name); }
    public static Variable tensor3(String name) { return tensor(DType.FLOATX, 3, name); }
    public static Variable tensor4(String name) { return tensor(DType.FLOATX, 4, name); }

    /** A row vector: a 1 x n matrix whose first axis is broadcastable. */
    public static Variable row(String name) { return tensor(DType.FLOATX, new boolean[] {true, false}, name); }
    /** A column vector: an n x 1 matrix whose second axis is broadcastable. */
    public static Variable col(String name) { return tensor(DType.FLOATX, new boolean[] {false, true}, name); }

    public static Variable dscalar(String name) { return tensor(DType.FLOAT64, 0, name); }
    public static Variable dvector(String name) { return tensor(DType.FLOAT64, 1, name); }
    public static Variable dmatrix(String name) { return tensor(DType.FLOAT64, 2, name); }
    public static Variable dtensor3(String name) { return tensor(DType.FLOAT64, 3, name); }
    public static Variable fscalar(String name) { return tensor(DType.FLOAT32, 0, name); }
    public static Variable fvector(String name) { return tensor(DType.FLOAT32, 1, name); }
    public static Variable fmatrix(String name) { return tensor(DType.FLOAT32, 2, name); }
    public static Variable ftensor3(String name) { return tensor(DType.FLOAT32, 3, name); }
    public static Variable iscalar(String name) { return tensor(DType.INT32, 0, name); }
    public static Variable ivector(String name) { return tensor(DType.INT32, 1, name); }
    public static Variable imatrix(String name) { return tensor(DType.INT32, 2, name); }
    public static Variable itensor3(String name) { return tensor(DType.INT32, 3, name); }
    public static Variable lscalar(String name) { return tensor(DType.INT64, 0, name); }
    public static Variable lvector(String name) { return tensor(DType.INT64, 1, name); }
    public static Variable lmatrix(String name) { return tensor(DType.INT64, 2, name); }
    public static Variable ltensor3(String name) { return tensor(DType.INT64, 3, name); }
    public static Variable bscalar(String name) { return tensor(DType.BOOL, 0, name); }
    public static Variable bvector(String name) { return tensor(DType.BOOL, 1, name); }

    /** A constant; size-1 axes are broadcastable. */
    public static Constant constant(NDArray value) {
        return constant(value, null);
    }

    public static Constant constant(NDArray value, String name) {
        return new Constant(TensorType.ofValue(value), value, name);
    }

    /** A 0-d constant of the given dtype. */
    public static Constant constant(double value, DType dtype) {
        return constant(NDArray.scalar(dtype, value));
    }

    /** A 0-d float64 constant. */
    public static Constant constant(double value) {
        return constant(value, DType.FLOAT64);
    }

    /** A shared variable (Theano's {@code shared}); size-1 axes are not broadcastable. */
    public static SharedVariable shared(NDArray value, String name) {
        return new SharedVariable(TensorType.of(value.dtype(), value.ndim()), value, name);
    }

    public static SharedVariable shared(NDArray value) {
        return shared(value, null);
    }

    /**
     * {@code x} as a tensor variable: variables as they are, arrays as constants, numbers as weak
     * literals that adopt {@code like}'s dtype (see the class comment).
     */
    public static Variable asTensor(Object x, Variable like) {
        if (x instanceof Variable) {
            return (Variable) x;
        }
        if (x instanceof NDArray) {
            return constant((NDArray) x);
        }
        if (x instanceof Number) {
            double v = ((Number) x).doubleValue();
            boolean integral = x instanceof Integer || x instanceof Long || x instanceof Short || x instanceof Byte;
            return constant(v, literalType(v, integral, like));
        }
        if (x instanceof Boolean) {
            return constant((Boolean) x ? 1 : 0, DType.BOOL);
        }
        throw new IllegalArgumentException("cannot make a tensor from " + x
                + (x == null ? "" : " of class " + x.getClass().getName()));
    }

    public static Variable asTensor(Object x) {
        return asTensor(x, null);
    }

    private static DType literalType(double v, boolean integral, Variable like) {
        DType other = like != null && like.isTensor() ? like.dtype() : null;
        boolean whole = integral;
        if (other == null) {
            return integral ? DType.INT64 : DType.FLOATX;
        }
        if (other.isFloat()) {
            return other;
        }
        if (whole && other.isInteger() && other.holds(v)) {
            return other;
        }
        return whole ? DType.INT64 : DType.FLOATX;
    }

    private static Variable[] operands(Object... xs) {
        Variable like = null;
        for (Object x : xs) {
            if (x instanceof Variable && ((Variable) x).isTensor()) {
                like = (Variable) x;
                if (like.dtype().isFloat()) {
                    break;
                }
            }
        }
        Variable[] r = new Variable[xs.length];
        for (int i = 0; i < xs.length; i++) {
            r[i] = asTensor(xs[i], like);
        }
        return r;
    }

    private static Variable elemwise(ScalarOp op, Object... xs) {
        return Elemwise.apply(op, operands(xs));
    }

    // ---- elementwise ----

    public static Variable add(Object x, Object y) { return elemwise(ScalarOp.ADD, x, y); }

    /** Left-folded sum of several terms. */
    public static Variable add(Object x, Object y, Object... more) {
        Variable r = add(x, y);
        for (Object m : more) {
            r = add(r, m);
        }
        return r;
    }

    public static Variable sub(Object x, Object y) { return elemwise(ScalarOp.SUB, x, y); }
    public static Variable mul(Object x, Object y) { return elemwise(ScalarOp.MUL, x, y); }
    public static Variable trueDiv(Object x, Object y) { return elemwise(ScalarOp.TRUE_DIV, x, y); }
    /** Same as {@link #trueDiv}. */
    public static Variable div(Object x, Object y) { return trueDiv(x, y); }
    public static Variable pow(Object x, Object y) { return elemwise(ScalarOp.POW, x, y); }
    public static Variable neg(Object x) { return elemwise(ScalarOp.NEG, x); }
    public static Variable sqr(Object x) { return elemwise(ScalarOp.SQR, x); }
    public static Variable sqrt(Object x) { return elemwise(ScalarOp.SQRT, x); }
    public static Variable exp(Object x) { return elemwise(ScalarOp.EXP, x); }
    public static Variable log(Object x) { return elemwise(ScalarOp.LOG, x); }
    public static Variable tanh(Object x) { return elemwise(ScalarOp.TANH, x); }
    public static Variable sigmoid(Object x) { return elemwise(ScalarOp.SIGMOID, x); }
    /** Floor division (NumPy's {@code //}). */
    public static Variable intDiv(Object x, Object y) { return elemwise(ScalarOp.INT_DIV, x, y); }
    /** Remainder with the sign of the divisor (NumPy's {@code %}). */
    public static Variable mod(Object x, Object y) { return elemwise(ScalarOp.MOD, x, y); }
    public static Variable abs(Object x) { return elemwise(ScalarOp.ABS, x); }
    public static Variable sgn(Object x) { return elemwise(ScalarOp.SGN, x); }
    public static Variable floor(Object x) { return elemwise(ScalarOp.FLOOR, x); }
    public static Variable ceil(Object x) { return elemwise(ScalarOp.CEIL, x); }
    /** Round half to even. */
    public static Variable round(Object x) { return elemwise(ScalarOp.ROUND, x); }
    public static Variable reciprocal(Object x) { return elemwise(ScalarOp.RECIPROCAL, x); }
    public static Variable exp2(Object x) { return elemwise(ScalarOp.EXP2, x); }
    public static Variable expm1(Object x) { return elemwise(ScalarOp.EXPM1, x); }
    public static Variable log2(Object x) { return elemwise(ScalarOp.LOG2, x); }
    public static Variable log10(Object x) { return elemwise(ScalarOp.LOG10, x); }
    public static Variable log1p(Object x) { return elemwise(ScalarOp.LOG1P, x); }
    public static Variable sin(Object x) { return elemwise(ScalarOp.SIN, x); }
    public static Variable cos(Object x) { return elemwise(ScalarOp.COS, x); }
    public static Variable tan(Object x) { return elemwise(ScalarOp.TAN, x); }
    public static Variable arcsin(Object x) { return elemwise(ScalarOp.ARCSIN, x); }
    public static Variable arccos(Object x) { return elemwise(ScalarOp.ARCCOS, x); }
    public static Variable arctan(Object x) { return elemwise(ScalarOp.ARCTAN, x); }
    public static Variable arctan2(Object y, Object x) { return elemwise(ScalarOp.ARCTAN2, y, x); }
    public static Variable sinh(Object x) { return elemwise(ScalarOp.SINH, x); }
    public static Variable cosh(Object x) { return elemwise(ScalarOp.COSH, x); }
    public static Variable arcsinh(Object x) { return elemwise(ScalarOp.ARCSINH, x); }
    public static Variable arccosh(Object x) { return elemwise(ScalarOp.ARCCOSH, x); }
    public static Variable arctanh(Object x) { return elemwise(ScalarOp.ARCTANH, x); }
    public static Variable softplus(Object x) { return elemwise(ScalarOp.SOFTPLUS, x); }
    public static Variable erf(Object x) { return elemwise(ScalarOp.ERF, x); }
    public static Variable erfc(Object x) { return elemwise(ScalarOp.ERFC, x); }
    public static Variable gammaln(Object x) { return elemwise(ScalarOp.GAMMALN, x); }
    /** Digamma, the derivative of gammaln. */
    public static Variable psi(Object x) { return elemwise(ScalarOp.PSI, x); }
    public static Variable trigamma(Object x) { return elemwise(ScalarOp.TRIGAMMA, x); }
    public static Variable maximum(Object x, Object y) { return elemwise(ScalarOp.MAXIMUM, x, y); }
    public static Variable minimum(Object x, Object y) { return elemwise(ScalarOp.MINIMUM, x, y); }
    /** {@code switch(cond, a, b)}: a where cond is non-zero, else b (NumPy's where). */
    public static Variable switch_(Object cond, Object a, Object b) { return elemwise(ScalarOp.SWITCH, cond, a, b); }
    /** Same as {@link #switch_}. */
    public static Variable where(Object cond, Object a, Object b) { return switch_(cond, a, b); }
    public static Variable and(Object x, Object y) { return elemwise(ScalarOp.AND, x, y); }
    public static Variable or(Object x, Object y) { return elemwise(ScalarOp.OR, x, y); }
    public static Variable xor(Object x, Object y) { return elemwise(ScalarOp.XOR, x, y); }
    public static Variable not(Object x) { return elemwise(ScalarOp.NOT, x); }
    public static Variable clip(Object x, Object lo, Object hi) { return elemwise(ScalarOp.CLIP, x, lo, hi); }
    public static Variable lt(Object x, Object y) { return elemwise(ScalarOp.LT, x, y); }
    public static Variable gt(Object x, Object y) { return elemwise(ScalarOp.GT, x, y); }
    public static Variable le(Object x, Object y) { return elemwise(ScalarOp.LE, x, y); }
    public static Variable ge(Object x, Object y) { return elemwise(ScalarOp.GE, x, y); }
    public static Variable eq(Object x, Object y) { return elemwise(ScalarOp.EQ, x, y); }
    public static Variable neq(Object x, Object y) { return elemwise(ScalarOp.NEQ, x, y); }

    /** {@code fill(like, value)}: value broadcast to like's shape (Theano's {@code second}). */
    public static Variable fill(Object like, Object value) {
        Variable l = asTensor(like);
        return Elemwise.apply(ScalarOp.SECOND, l, asTensor(value, l));
    }

    /** Zeros of x's shape and dtype. */
    public static Variable zerosLike(Variable x) {
        return fill(x, constant(0.0, x.dtype()));
    }

    /** Ones of x's shape and dtype. */
    public static Variable onesLike(Variable x) {
        return fill(x, constant(1.0, x.dtype()));
    }

    /** Zeros of x's shape with the given dtype. */
    public static Variable zerosLike(Variable x, DType dtype) {
        return fill(x, constant(0.0, dtype));
    }

    /** Ones of x's shape with the given dtype. */
    public static Variable onesLike(Variable x, DType dtype) {
        return fill(x, constant(1.0, dtype));
    }

    public static Variable cast(Object x, DType dtype) {
        Variable v = asTensor(x);
        return v.dtype() == dtype ? v : new Cast(dtype).makeNode(v).out();
    }

    // ---- reductions, shape, products ----

    /** Sum over all axes. */
    public static Variable sum(Variable x) {
        return Sum.apply(x);
    }

    /** Sum over the given axes (negative axes count from the end). */
    public static Variable sum(Variable x, int... axes) {
        return Sum.apply(x, axes);
    }

    /** Theano's dimshuffle: a pattern of axis numbers and "x" for new broadcastable axes. */
    public static Variable dimshuffle(Variable x, Object... pattern) {
        int[] order = DimShuffle.parsePattern(pattern);
        int nd = Errors.requireTensor("DimShuffle", 0, x).ndim();
        if (order.length == nd) {
            boolean identity = true;
            for (int k = 0; k < nd; k++) {
                identity &= order[k] == k;
            }
            if (identity) {
                return x;
            }
        }
        return new DimShuffle(nd, order).makeNode(x).out();
    }

    /** Reverses the axes. */
    public static Variable transpose(Variable x) {
        int nd = Errors.requireTensor("transpose", 0, x).ndim();
        Object[] p = new Object[nd];
        for (int k = 0; k < nd; k++) {
            p[k] = nd - 1 - k;
        }
        return dimshuffle(x, p);
    }

    /** Permutes the axes: output axis k is input axis {@code axes[k]}. */
    public static Variable transpose(Variable x, int... axes) {
        return dimshuffle(x, Arrays.stream(axes).boxed().toArray());
    }

    /** Matrix/vector product (see {@link Dot}). */
    public static Variable dot(Object x, Object y) {
        Variable[] v = operands(x, y);
        return Dot.apply(v[0], v[1]);
    }

    // ---- reduce and nnet family (owned by that family's change) ----

    // ---- shape and index family (owned by that family's change) ----

    // ---- blas and linalg family (owned by that family's change) ----

    // ---- scan family ----

    /** A scan builder, Theano's {@code scan}: see {@link org.gradaudit.core.ops.Scan}. */
    public static org.gradaudit.core.ops.ScanBuilder scan() {
        return org.gradaudit.core.ops.Scan.builder();
    }
}
