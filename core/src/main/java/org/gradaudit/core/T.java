package org.gradaudit.core;

import java.util.Arrays;
import org.gradaudit.core.ops.Cast;
import org.gradaudit.core.ops.DimShuffle;
import org.gradaudit.core.ops.Dot;
import org.gradaudit.core.ops.Elemwise;
import org.gradaudit.core.ops.ScalarOp;
import org.gradaudit.core.ops.Sum;
import org.gradaudit.core.ops.ARange;
import org.gradaudit.core.ops.AdvancedIncSubtensor;
import org.gradaudit.core.ops.AdvancedIncSubtensor1;
import org.gradaudit.core.ops.AdvancedSubtensor;
import org.gradaudit.core.ops.AdvancedSubtensor1;
import org.gradaudit.core.ops.Alloc;
import org.gradaudit.core.ops.Flatten;
import org.gradaudit.core.ops.IncSubtensor;
import org.gradaudit.core.ops.Join;
import org.gradaudit.core.ops.PermuteRowElements;
import org.gradaudit.core.ops.Rebroadcast;
import org.gradaudit.core.ops.Reshape;
import org.gradaudit.core.ops.ScalarFromTensor;
import org.gradaudit.core.ops.Shape;
import org.gradaudit.core.ops.Slice;
import org.gradaudit.core.ops.SpecifyShape;
import org.gradaudit.core.ops.Split;
import org.gradaudit.core.ops.Subtensor;
import org.gradaudit.core.ops.TensorFromScalar;
import org.gradaudit.core.ops.Tile;

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

    /** {@code out} of a reduction of x over {@code axes} (none = all) with the reduced axes put back as broadcastable ones (NumPy's keepdims). */
    private static Variable keepDims(String opName, Variable x, Variable out, int... axes) {
        int nd = Errors.requireTensor(opName, 0, x).ndim();
        boolean[] r = new boolean[nd];
        int[] norm = axes == null || axes.length == 0 ? null : Errors.normalizeAxes(opName, axes, nd);
        for (int a = 0; a < nd; a++) {
            r[a] = norm == null;
        }
        if (norm != null) {
            for (int a : norm) {
                r[a] = true;
            }
        }
        Object[] pattern = new Object[nd];
        int k = 0;
        for (int a = 0; a < nd; a++) {
            pattern[a] = r[a] ? "x" : (Object) k++;
        }
        return dimshuffle(out, pattern);
    }

    private static Variable keep(boolean keepdims, String opName, Variable x, Variable out, int... axes) {
        return keepdims ? keepDims(opName, x, out, axes) : out;
    }

    /** Mean over the given axes (all when none; negatives count from the end); integer input gives floatX. */
    public static Variable mean(Variable x, int... axes) { return org.gradaudit.core.ops.Mean.apply(x, axes); }
    public static Variable mean(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "Mean", x, org.gradaudit.core.ops.Mean.apply(x, axes), axes); }

    /** Product over the given axes; its gradient is exact with zeros (see {@link org.gradaudit.core.ops.Prod}). */
    public static Variable prod(Variable x, int... axes) { return org.gradaudit.core.ops.Prod.apply(x, axes); }
    public static Variable prod(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "Prod", x, org.gradaudit.core.ops.Prod.apply(x, axes), axes); }

    /** Product of the non-zero elements (0 for a group without any); gradient not implemented, as in Theano. */
    public static Variable prodWithoutZeros(Variable x, int... axes) { return org.gradaudit.core.ops.ProdWithoutZeros.apply(x, axes); }

    /** Theano's mul_without_zeros, elementwise: {@code x == 0 ? y : y == 0 ? x : x * y}. */
    public static Variable mulWithoutZeros(Object x, Object y) {
        Variable[] v = operands(x, y);
        return org.gradaudit.core.ops.MulWithoutZeros.apply(v[0], v[1]);
    }

    /** Maximum over the given axes; the gradient goes to every tied maximum (see {@link org.gradaudit.core.ops.ExtremumReduction}). */
    public static Variable max(Variable x, int... axes) { return org.gradaudit.core.ops.Max.apply(x, axes); }
    public static Variable max(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "Max", x, org.gradaudit.core.ops.Max.apply(x, axes), axes); }

    /** Minimum over the given axes; the gradient goes to every tied minimum. */
    public static Variable min(Variable x, int... axes) { return org.gradaudit.core.ops.Min.apply(x, axes); }
    public static Variable min(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "Min", x, org.gradaudit.core.ops.Min.apply(x, axes), axes); }

    /** {@code [max, argmax]} over the given axes from one op; argmax is int64 and not connected. */
    public static java.util.List<Variable> maxAndArgmax(Variable x, int... axes) { return org.gradaudit.core.ops.MaxAndArgmax.apply(x, axes); }

    /** int64 index of the first maximum (flat over the reduced axes when several); not differentiable. */
    public static Variable argmax(Variable x, int... axes) { return org.gradaudit.core.ops.Argmax.apply(x, axes); }
    public static Variable argmax(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "Argmax", x, org.gradaudit.core.ops.Argmax.apply(x, axes), axes); }

    /** int64 index of the first minimum; not differentiable. */
    public static Variable argmin(Variable x, int... axes) { return org.gradaudit.core.ops.Argmin.apply(x, axes); }
    public static Variable argmin(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "Argmin", x, org.gradaudit.core.ops.Argmin.apply(x, axes), axes); }

    /** Bool: all elements non-zero, per group. */
    public static Variable all(Variable x, int... axes) { return org.gradaudit.core.ops.All.apply(x, axes); }
    public static Variable all(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "All", x, org.gradaudit.core.ops.All.apply(x, axes), axes); }

    /** Bool: any element non-zero, per group. */
    public static Variable any(Variable x, int... axes) { return org.gradaudit.core.ops.Any.apply(x, axes); }
    public static Variable any(Variable x, boolean keepdims, int... axes) { return keep(keepdims, "Any", x, org.gradaudit.core.ops.Any.apply(x, axes), axes); }

    /** Population variance (ddof 0) over the given axes. */
    public static Variable var(Variable x, int... axes) { return org.gradaudit.core.ops.Var.apply(x, 0, axes); }
    /** Variance with {@code sum((x - mean)^2) / (n - ddof)}. */
    public static Variable var(Variable x, int ddof, boolean keepdims, int... axes) { return keep(keepdims, "Var", x, org.gradaudit.core.ops.Var.apply(x, ddof, axes), axes); }

    /** Population standard deviation (ddof 0); its gradient at zero variance is 0 (see {@link org.gradaudit.core.ops.Std}). */
    public static Variable std(Variable x, int... axes) { return org.gradaudit.core.ops.Std.apply(x, 0, axes); }
    public static Variable std(Variable x, int ddof, boolean keepdims, int... axes) { return keep(keepdims, "Std", x, org.gradaudit.core.ops.Std.apply(x, ddof, axes), axes); }

    /** Softmax along the last axis. */
    public static Variable softmax(Variable x) { return org.gradaudit.core.ops.Softmax.apply(x, -1); }
    /** Softmax along {@code axis} (negative counts from the end), numerically stable. */
    public static Variable softmax(Variable x, int axis) { return org.gradaudit.core.ops.Softmax.apply(x, axis); }
    /** Log-softmax along the last axis. */
    public static Variable logSoftmax(Variable x) { return org.gradaudit.core.ops.LogSoftmax.apply(x, -1); }
    /** Log-softmax along {@code axis}, numerically stable. */
    public static Variable logSoftmax(Variable x, int axis) { return org.gradaudit.core.ops.LogSoftmax.apply(x, axis); }

    /**
     * Categorical cross-entropy along the last axis: {@code -sum(targets * log(probs), -1)}, with
     * one-hot or probability targets of probs' shape (Theano's categorical_crossentropy with a
     * coding distribution). Both arguments are differentiable; a composition of elementwise ops
     * and a sum, so its gradient is theirs ({@code -targets / probs} and {@code -log(probs)}).
     */
    /**
     * Categorical cross-entropy over the last axis. Targets are one-hot or probabilities of probs'
     * shape, or, for a matrix of probabilities, an integer vector of class labels (one per row).
     */
    public static Variable categoricalCrossentropy(Object probs, Object targets) {
        Variable[] v = operands(probs, targets);
        return categoricalCrossentropy(v[0], v[1], -1);
    }

    /** Categorical cross-entropy along {@code axis}: {@code -sum(targets * log(probs), axis)}. */
    public static Variable categoricalCrossentropy(Variable probs, Variable targets, int axis) {
        int nd = Errors.requireTensor("categoricalCrossentropy", 0, probs).ndim();
        int tnd = Errors.requireTensor("categoricalCrossentropy", 1, targets).ndim();
        if (nd == 2 && tnd == 1 && targets.dtype().isInteger()) {
            // integer labels: -log(probs[i, labels[i]]); the labels are not differentiated
            return neg(log(advancedSubtensor(probs, arange(shape(probs, 0)), targets)));
        }
        if (tnd != nd) {
            throw new IllegalArgumentException("categoricalCrossentropy: input 1 (targets) has ndim " + tnd
                    + " but input 0 (probs) has ndim " + nd + "; targets must have probs' shape (one-hot or"
                    + " probabilities along the class axis)");
        }
        return neg(org.gradaudit.core.ops.Sum.apply(mul(targets, log(probs)), axis));
    }

    // ---- shape and index family (owned by that family's change) ----

    /** {@code shape(x)}: x's lengths as an int64 vector (not connected to x). */
    public static Variable shape(Variable x) {
        return Shape.apply(x);
    }

    /** {@code x.shape[i]}: an int64 0-d tensor; negative i counts from the end. */
    public static Variable shape(Variable x, int i) {
        int nd = Errors.requireTensor("shape", 0, x).ndim();
        int a = i < 0 ? i + nd : i;
        if (a < 0 || a >= nd) {
            throw Errors.axisOutOfRange("shape", i, nd);
        }
        return Subtensor.apply(Shape.apply(x), a);
    }

    /**
     * An int64 vector from ints and 0-d integer variables (Theano's {@code as_tensor} of a shape
     * tuple): a constant when all entries are ints, else a {@link Join} of the entries.
     */
    public static Variable makeVector(Object... entries) {
        return stackShape(Arrays.asList(entries));
    }

    /** Same as {@link #makeVector}, from a list. */
    public static Variable stackShape(java.util.List<?> entries) {
        boolean allConst = true;
        for (Object e : entries) {
            allConst &= e instanceof Integer || e instanceof Long;
        }
        if (allConst) {
            double[] d = new double[entries.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = ((Number) entries.get(i)).longValue();
            }
            return constant(NDArray.of(DType.INT64, new int[] {d.length}, d));
        }
        java.util.List<Variable> parts = new java.util.ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object e = entries.get(i);
            Variable v = e instanceof Variable ? (Variable) e : constant(((Number) e).longValue(), DType.INT64);
            TensorType t = Errors.requireTensor("makeVector", i, v);
            if (t.ndim() != 0 || !t.dtype().isInteger()) {
                throw new IllegalArgumentException("makeVector: entry " + i + " (" + v + ") has type " + t
                        + "; an int or a 0-d integer variable is required");
            }
            parts.add(dimshuffle(cast(v, DType.INT64), "x"));
        }
        return Join.apply(0, parts);
    }

    private static Constant intVector(int... values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return new Constant(TensorType.of(DType.INT64, 1), NDArray.of(DType.INT64, new int[] {d.length}, d), null);
    }

    /** x unchanged after a run-time check that its shape is {@code shape} (-1: any length). */
    public static Variable specifyShape(Variable x, int... shape) {
        return SpecifyShape.apply(x, intVector(shape));
    }

    public static Variable specifyShape(Variable x, Variable shape) {
        return SpecifyShape.apply(x, shape);
    }

    /** {@code reshape(x, shape)} with constant lengths; one may be -1 (inferred). */
    public static Variable reshape(Variable x, int... shape) {
        return Reshape.apply(x, constant(NDArray.of(DType.INT64, new int[] {shape.length},
                Arrays.stream(shape).asDoubleStream().toArray())));
    }

    /**
     * {@code reshape(x, shape)} with an integer vector: a constant, {@code shape(y)}, or a
     * {@link #makeVector} of ints and symbolic lengths (its length is then known).
     */
    public static Variable reshape(Variable x, Variable shape) {
        if (shape.owner() != null && shape.owner().op() instanceof Join && shape.ndim() == 1) {
            return new Reshape(shape.owner().inputs().size()).makeNode(x, shape).out();
        }
        return Reshape.apply(x, shape);
    }

    /** {@code reshape(x, shape)} with a symbolic shape vector of known length {@code ndim}. */
    public static Variable reshape(Variable x, Variable shape, int ndim) {
        return new Reshape(ndim).makeNode(x, shape).out();
    }

    /** All elements in a vector (C order). */
    public static Variable flatten(Variable x) {
        return flatten(x, 1);
    }

    /** Keeps the first ndim-1 axes and collapses the rest (Theano's {@code flatten(x, ndim)}). */
    public static Variable flatten(Variable x, int ndim) {
        return new Flatten(ndim).makeNode(x).out();
    }

    private static Variable rebroadcast(Variable x, int[] axes, boolean flag) {
        int nd = Errors.requireTensor("Rebroadcast", 0, x).ndim();
        int[] a = new int[axes.length];
        boolean[] f = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            a[i] = axes[i] < 0 ? axes[i] + nd : axes[i];
            if (a[i] < 0 || a[i] >= nd) {
                throw Errors.axisOutOfRange("Rebroadcast", axes[i], nd);
            }
            f[i] = flag;
        }
        return new Rebroadcast(a, f).makeNode(x).out();
    }

    /** x with the given axes no longer broadcastable. */
    public static Variable unbroadcast(Variable x, int... axes) {
        return rebroadcast(x, axes, false);
    }

    /** x with the given axes broadcastable (checked to have length 1 at run time). */
    public static Variable addBroadcast(Variable x, int... axes) {
        return rebroadcast(x, axes, true);
    }

    /** x with exactly the broadcastable pattern {@code b}; x itself when it already has it. */
    public static Variable patternbroadcast(Variable x, boolean[] b) {
        boolean[] xb = Errors.requireTensor("patternbroadcast", 0, x).broadcastable();
        if (xb.length != b.length) {
            throw new IllegalArgumentException("patternbroadcast: input 0 has ndim " + xb.length + " but the pattern "
                    + Arrays.toString(b) + " has " + b.length + " entries");
        }
        java.util.List<Integer> axes = new java.util.ArrayList<>();
        for (int a = 0; a < b.length; a++) {
            if (xb[a] != b[a]) {
                axes.add(a);
            }
        }
        if (axes.isEmpty()) {
            return x;
        }
        int[] a = axes.stream().mapToInt(Integer::intValue).toArray();
        boolean[] f = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = b[a[i]];
        }
        return new Rebroadcast(a, f).makeNode(x).out();
    }

    /** {@code value} broadcast to the given constant shape. */
    public static Variable alloc(Object value, int... shape) {
        Variable[] s = new Variable[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = constant(shape[i], DType.INT64);
        }
        return alloc(value, s);
    }

    /** {@code value} broadcast to the shape given by 0-d integer variables. */
    public static Variable alloc(Object value, Variable... shape) {
        return Alloc.apply(asTensor(value), Arrays.asList(shape));
    }

    /** {@code arange(0, stop, 1)}. */
    public static Variable arange(Object stop) {
        return arange(0, stop, 1);
    }

    public static Variable arange(Object start, Object stop) {
        return arange(start, stop, 1);
    }

    /**
     * {@code arange(start, stop, step)}; the dtype is the upcast of the operands' (Java ints are
     * int64, doubles floatX).
     */
    public static Variable arange(Object start, Object stop, Object step) {
        Variable[] v = {asTensor(start), asTensor(stop), asTensor(step)};
        return ARange.apply(v[0], v[1], v[2], DType.upcast(v[0].dtype(), v[1].dtype(), v[2].dtype()));
    }

    public static Variable arange(Object start, Object stop, Object step, DType dtype) {
        return ARange.apply(asTensor(start), asTensor(stop), asTensor(step), dtype);
    }

    /** Concatenation along {@code axis} (negative counts from the end). */
    public static Variable join(int axis, Variable... xs) {
        return Join.apply(axis, Arrays.asList(xs));
    }

    public static Variable join(int axis, java.util.List<Variable> xs) {
        return Join.apply(axis, xs);
    }

    /** Cuts x along {@code axis} into pieces of the given (constant) sizes. */
    public static java.util.List<Variable> split(Variable x, int[] sizes, int axis) {
        int nd = Errors.requireTensor("Split", 0, x).ndim();
        int a = axis < 0 ? axis + nd : axis;
        if (a < 0 || a >= nd) {
            throw Errors.axisOutOfRange("Split", axis, nd);
        }
        return new Split(sizes, a).makeNode(x).outputs();
    }

    /**
     * Stacks tensors of equal shape along a new axis {@code axis} (NumPy's stack; Theano's
     * {@code stack}: a {@link Join} of the inputs with a new length-1 axis inserted).
     */
    public static Variable stack(java.util.List<Variable> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("stack: at least one input is required");
        }
        int nd = Errors.requireTensor("stack", 0, xs.get(0)).ndim();
        int a = axis < 0 ? axis + nd + 1 : axis;
        if (a < 0 || a > nd) {
            throw Errors.axisOutOfRange("stack", axis, nd + 1);
        }
        java.util.List<Variable> parts = new java.util.ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            Variable x = xs.get(i);
            if (Errors.requireTensor("stack", i, x).ndim() != nd) {
                throw new IllegalArgumentException("stack: input " + i + " has ndim " + x.ndim() + " but input 0 has ndim "
                        + nd + "; all inputs must have the same ndim");
            }
            Object[] p = new Object[nd + 1];
            for (int k = 0, j = 0; k <= nd; k++) {
                p[k] = k == a ? "x" : (Object) j++;
            }
            parts.add(dimshuffle(x, p));
        }
        return Join.apply(a, parts);
    }

    /** {@link #stack(java.util.List, int)} along axis 0. */
    public static Variable stack(Variable... xs) {
        return stack(Arrays.asList(xs), 0);
    }

    /** NumPy's tile with constant repetitions. */
    public static Variable tile(Variable x, int... reps) {
        return new Tile(reps).makeNode(x).out();
    }

    /** The 0-d identity conversion of Theano's {@code scalar_from_tensor}. */
    public static Variable scalarFromTensor(Variable x) {
        return new ScalarFromTensor().makeNode(x).out();
    }

    /** The 0-d identity conversion of Theano's {@code tensor_from_scalar}. */
    public static Variable tensorFromScalar(Variable x) {
        return new TensorFromScalar().makeNode(x).out();
    }

    /** {@code :}, a whole axis. */
    public static Slice slice() {
        return Slice.ALL;
    }

    /** {@code start:stop}; each bound null, an int or a 0-d integer variable. */
    public static Slice slice(Object start, Object stop) {
        return new Slice(start, stop, null);
    }

    /** {@code start:stop:step}; each component null, an int or a 0-d integer variable. */
    public static Slice slice(Object start, Object stop, Object step) {
        return new Slice(start, stop, step);
    }

    private static boolean isIndexArray(Object e) {
        return e instanceof int[] || e instanceof long[] || e instanceof NDArray
                || (e instanceof Variable && ((Variable) e).isTensor() && ((Variable) e).ndim() > 0);
    }

    private static Variable indexArray(Object e) {
        if (e instanceof int[]) {
            return intVector((int[]) e);
        }
        if (e instanceof long[]) {
            return constant(NDArray.of(DType.INT64, new int[] {((long[]) e).length},
                    Arrays.stream((long[]) e).asDoubleStream().toArray()));
        }
        return asTensor(e);
    }

    /**
     * NumPy indexing {@code x[idx...]}: ints, 0-d integer variables and {@link Slice}s give basic
     * indexing ({@link Subtensor}); integer arrays ({@code int[]}, {@code long[]}, integer
     * NDArrays or variables) give advanced indexing: one on axis 0 is {@link AdvancedSubtensor1},
     * several on the leading axes {@link AdvancedSubtensor}. Mixing both kinds is not supported.
     */
    public static Variable get(Variable x, Object... idx) {
        int nAdv = 0;
        for (Object e : idx) {
            nAdv += isIndexArray(e) ? 1 : 0;
        }
        if (nAdv == 0) {
            return Subtensor.apply(x, idx);
        }
        if (nAdv != idx.length) {
            throw new IllegalArgumentException("get: index " + Arrays.toString(idx) + " mixes integer arrays with"
                    + " ints/slices; only all-basic or all-array indices are supported (see AdvancedSubtensor)");
        }
        Variable[] v = new Variable[idx.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = indexArray(idx[i]);
        }
        return v.length == 1 && v[0].ndim() == 1 ? AdvancedSubtensor1.apply(x, v[0]) : AdvancedSubtensor.apply(x, v);
    }

    /** {@code x[idx] += y} on a copy; {@code sub} is {@code x.get(idx)} (Theano's inc_subtensor). */
    public static Variable incSubtensor(Variable sub, Object y) {
        return IncSubtensor.apply(sub, y, false);
    }

    /** {@code x[idx] = y} on a copy; {@code sub} is {@code x.get(idx)} (Theano's set_subtensor). */
    public static Variable setSubtensor(Variable sub, Object y) {
        return IncSubtensor.apply(sub, y, true);
    }

    /** {@code x[ilist]} along axis 0. */
    public static Variable advancedSubtensor1(Variable x, Object ilist) {
        return AdvancedSubtensor1.apply(x, indexArray(ilist));
    }

    /** {@code x[ilist] += y} on a copy (repeats accumulate). */
    public static Variable advancedIncSubtensor1(Variable x, Object y, Object ilist) {
        return new AdvancedIncSubtensor1(false).makeNode(x, asTensor(y, x), indexArray(ilist)).out();
    }

    /** {@code x[ilist] = y} on a copy (with repeats, the last write wins). */
    public static Variable advancedSetSubtensor1(Variable x, Object y, Object ilist) {
        return new AdvancedIncSubtensor1(true).makeNode(x, asTensor(y, x), indexArray(ilist)).out();
    }

    /** {@code x[i0, ..., ik]} with integer arrays on the leading axes (see {@link AdvancedSubtensor}). */
    public static Variable advancedSubtensor(Variable x, Object... idx) {
        Variable[] v = new Variable[idx.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = indexArray(idx[i]);
        }
        return AdvancedSubtensor.apply(x, v);
    }

    private static Variable advancedInc(boolean set, Variable x, Object y, Object... idx) {
        java.util.List<Variable> in = new java.util.ArrayList<>();
        in.add(x);
        in.add(asTensor(y, x));
        for (Object e : idx) {
            in.add(indexArray(e));
        }
        return new AdvancedIncSubtensor(set).makeNode(in).out();
    }

    /** {@code x[i0, ..., ik] += y} on a copy (repeated positions accumulate). */
    public static Variable advancedIncSubtensor(Variable x, Object y, Object... idx) {
        return advancedInc(false, x, y, idx);
    }

    /** {@code x[i0, ..., ik] = y} on a copy (the last write wins). */
    public static Variable advancedSetSubtensor(Variable x, Object y, Object... idx) {
        return advancedInc(true, x, y, idx);
    }

    /** Theano's {@code permute_row_elements(x, y, inverse)}. */
    public static Variable permuteRowElements(Variable x, Object y, boolean inverse) {
        Variable p = y instanceof int[] ? intVector((int[]) y) : asTensor(y);
        return PermuteRowElements.apply(x, p, inverse);
    }

    // ---- blas and linalg family (owned by that family's change) ----

    /** {@code outer(x, y)_ij = x_i y_j} for vectors (see {@link org.gradaudit.core.ops.Outer}). */
    public static Variable outer(Object x, Object y) {
        Variable[] v = operands(x, y);
        return org.gradaudit.core.ops.Outer.apply(v[0], v[1]);
    }

    /** Contracts the last {@code n} axes of a with the first n of b (NumPy's {@code tensordot(a, b, n)}). */
    public static Variable tensordot(Object a, Object b, int n) {
        Variable[] v = operands(a, b);
        return org.gradaudit.core.ops.TensorDot.apply(v[0], v[1], n);
    }

    /** Contracts axis {@code axesA[i]} of a with axis {@code axesB[i]} of b; output: a's free axes, then b's. */
    public static Variable tensordot(Object a, Object b, int[] axesA, int[] axesB) {
        Variable[] v = operands(a, b);
        return org.gradaudit.core.ops.TensorDot.apply(v[0], v[1], axesA, axesB);
    }

    /** Batched matrix product (B, m, k) x (B, k, n) -> (B, m, n) (see {@link org.gradaudit.core.ops.BatchedDot}). */
    public static Variable batchedDot(Object a, Object b) {
        Variable[] v = operands(a, b);
        return org.gradaudit.core.ops.BatchedDot.apply(v[0], v[1]);
    }

    /** {@code A^-1} (see {@link org.gradaudit.core.ops.MatrixInverse}). */
    public static Variable matrixInverse(Variable a) {
        return org.gradaudit.core.ops.MatrixInverse.apply(a);
    }

    /** {@code det(A)} (see {@link org.gradaudit.core.ops.Det}). */
    public static Variable det(Variable a) {
        return org.gradaudit.core.ops.Det.apply(a);
    }

    /** The x with {@code A x = b}, b a vector or a matrix (see {@link org.gradaudit.core.ops.Solve}). */
    public static Variable solve(Variable a, Variable b) {
        return org.gradaudit.core.ops.Solve.apply(a, b);
    }

    /** Lower Cholesky factor of the symmetric matrix of A's lower triangle (see {@link org.gradaudit.core.ops.Cholesky}). */
    public static Variable cholesky(Variable a) {
        return org.gradaudit.core.ops.Cholesky.apply(a);
    }

    /**
     * {@code [w, V]}: eigenvalues ascending and eigenvectors (columns, largest-magnitude entry
     * positive) of the symmetric matrix of A's lower triangle (see {@link org.gradaudit.core.ops.Eigh}).
     */
    public static java.util.List<Variable> eigh(Variable a) {
        return org.gradaudit.core.ops.Eigh.apply(a);
    }

    /** {@code [Q, R]}: reduced QR of an (m, n) matrix, m >= n, diag(R) > 0 (see {@link org.gradaudit.core.ops.QR}). */
    public static java.util.List<Variable> qr(Variable a) {
        return org.gradaudit.core.ops.QR.apply(a);
    }

    // ---- scan family ----

    /** A scan builder, Theano's {@code scan}: see {@link org.gradaudit.core.ops.Scan}. */
    public static org.gradaudit.core.ops.ScanBuilder scan() {
        return org.gradaudit.core.ops.Scan.builder();
    }
}
