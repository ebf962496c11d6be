package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.ops.ScalarOp;

/** Catalogue entries of the elementwise family; references are scalar loops over {@link ScalarOp#evaluate}. */
final class ElemwiseEntries {
    private ElemwiseEntries() {}

    private static final int[] V = {5};
    private static final int[] M = {3, 4};
    private static final int[] ROW = {4};
    private static final int[] S = {};

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        InputDomain pos = InputDomain.between(0.2, 3);
        InputDomain unit = InputDomain.between(-0.9, 0.9);
        InputDomain noZero = InputDomain.between(-2, 2).avoiding(-0.2, 0.2);
        unary(r, "neg", T::neg, ScalarOp.NEG, std);
        unary(r, "abs", T::abs, ScalarOp.ABS, noZero);
        unary(r, "exp", T::exp, ScalarOp.EXP, std);
        unary(r, "exp2", T::exp2, ScalarOp.EXP2, std);
        unary(r, "expm1", T::expm1, ScalarOp.EXPM1, std);
        unary(r, "log", T::log, ScalarOp.LOG, pos);
        unary(r, "log2", T::log2, ScalarOp.LOG2, pos);
        unary(r, "log10", T::log10, ScalarOp.LOG10, pos);
        unary(r, "log1p", T::log1p, ScalarOp.LOG1P, InputDomain.between(-0.5, 2));
        unary(r, "sqrt", T::sqrt, ScalarOp.SQRT, pos);
        unary(r, "sqr", T::sqr, ScalarOp.SQR, std);
        unary(r, "reciprocal", T::reciprocal, ScalarOp.RECIPROCAL, noZero);
        unary(r, "sin", T::sin, ScalarOp.SIN, InputDomain.between(-3, 3));
        unary(r, "cos", T::cos, ScalarOp.COS, InputDomain.between(-3, 3));
        unary(r, "tan", T::tan, ScalarOp.TAN, InputDomain.between(-1.2, 1.2));
        unary(r, "arcsin", T::arcsin, ScalarOp.ARCSIN, unit);
        unary(r, "arccos", T::arccos, ScalarOp.ARCCOS, unit);
        unary(r, "arctan", T::arctan, ScalarOp.ARCTAN, InputDomain.between(-3, 3));
        unary(r, "sinh", T::sinh, ScalarOp.SINH, InputDomain.between(-2, 2));
        unary(r, "cosh", T::cosh, ScalarOp.COSH, InputDomain.between(-2, 2));
        unary(r, "tanh", T::tanh, ScalarOp.TANH, InputDomain.between(-2, 2));
        unary(r, "arcsinh", T::arcsinh, ScalarOp.ARCSINH, InputDomain.between(-3, 3));
        unary(r, "arccosh", T::arccosh, ScalarOp.ARCCOSH, InputDomain.between(1.2, 4));
        unary(r, "arctanh", T::arctanh, ScalarOp.ARCTANH, InputDomain.between(-0.8, 0.8));
        unary(r, "sigmoid", T::sigmoid, ScalarOp.SIGMOID, InputDomain.between(-4, 4));
        unary(r, "softplus", T::softplus, ScalarOp.SOFTPLUS, InputDomain.between(-4, 4));
        unary(r, "erf", T::erf, ScalarOp.ERF, InputDomain.between(-2, 2));
        unary(r, "erfc", T::erfc, ScalarOp.ERFC, InputDomain.between(-2, 2));
        unary(r, "gammaln", T::gammaln, ScalarOp.GAMMALN, InputDomain.between(0.3, 5));
        unary(r, "psi", T::psi, ScalarOp.PSI, InputDomain.between(0.5, 5));
        unary(r, "sgn", T::sgn, ScalarOp.SGN, noZero);
        unary(r, "floor", T::floor, ScalarOp.FLOOR, InputDomain.between(-3, 3).avoiding(-0.1, 0.1));
        unary(r, "ceil", T::ceil, ScalarOp.CEIL, InputDomain.between(0.1, 0.9));
        unary(r, "round", T::round, ScalarOp.ROUND, InputDomain.between(0.1, 0.4));
        binary(r, "add", T::add, ScalarOp.ADD, std, std);
        binary(r, "sub", T::sub, ScalarOp.SUB, std, std);
        binary(r, "mul", T::mul, ScalarOp.MUL, std, std);
        binary(r, "true_div", T::trueDiv, ScalarOp.TRUE_DIV, std, noZero);
        binary(r, "int_div", T::intDiv, ScalarOp.INT_DIV, InputDomain.between(0.1, 0.9), InputDomain.between(1.1, 1.9));
        binary(r, "mod", T::mod, ScalarOp.MOD, InputDomain.between(2.1, 2.9), InputDomain.between(1.1, 1.9));
        binary(r, "pow", T::pow, ScalarOp.POW, pos, std);
        binary(r, "arctan2", T::arctan2, ScalarOp.ARCTAN2, noZero, noZero);
        binary(r, "maximum", T::maximum, ScalarOp.MAXIMUM, InputDomain.between(0.5, 1), InputDomain.between(-1, 0.4));
        binary(r, "minimum", T::minimum, ScalarOp.MINIMUM, InputDomain.between(0.5, 1), InputDomain.between(-1, 0.4));
        r.add(CatalogEntry.builder("clip", "elemwise", in -> T.clip(in.get(0), -0.5, 0.5))
                .input(InputDomain.between(-1, 1).avoiding(-0.55, -0.45).avoiding(0.45, 0.55))
                .shapes(V).shapes(M)
                .reference(in -> map1(in[0], v -> ScalarOp.CLIP.evaluate(v, -0.5, 0.5)))
                .note("x only; at a bound the gradient goes to x").build());
        r.add(CatalogEntry.builder("switch", "elemwise", in -> T.switch_(T.gt(in.get(0), 0), in.get(0), T.mul(in.get(1), 2.0)))
                .input(noZero).input(std).shapes(V, V).shapes(M, ROW)
                .reference(in -> {
                    double[] a = in[0].toDoubleArray();
                    double[] out = new double[a.length];
                    int n = in[1].size();
                    for (int i = 0; i < a.length; i++) {
                        out[i] = a[i] > 0 ? a[i] : 2 * in[1].getFlat(i % n);
                    }
                    return out;
                }).note("where(x > 0, x, 2 y); the condition is not differentiated").build());
        r.add(CatalogEntry.builder("cast", "elemwise", in -> T.cast(T.mul(in.get(0), 3.0), DType.FLOAT64))
                .input(std).shapes(V).shapes(M).dtypes(DType.FLOAT32)
                .reference(in -> map1(in[0], v -> (float) (v * 3)))
                .note("float32 to float64 (a cast down to float32 is not differentiable at float64 resolution)").build());
        return r;
    }

    private static void unary(List<CatalogEntry> r, String name, UnaryOperator<Object> f, ScalarOp op, InputDomain d) {
        r.add(CatalogEntry.builder(name, "elemwise", in -> (Variable) f.apply(in.get(0)))
                .input(d).shapes(V).shapes(M).shapes(S)
                .reference(in -> map1(in[0], op::evaluate)).build());
    }

    private static void binary(List<CatalogEntry> r, String name, BinaryOperator<Object> f, ScalarOp op,
            InputDomain a, InputDomain b) {
        r.add(CatalogEntry.builder(name, "elemwise", in -> (Variable) f.apply(in.get(0), in.get(1)))
                .input(a).input(b).shapes(V, V).shapes(M, ROW).shapes(M, S)
                .reference(in -> {
                    // broadcasting reference: b is a suffix-shaped array repeated over a's leading axes
                    double[] x = in[0].toDoubleArray();
                    double[] out = new double[x.length];
                    int n = Math.max(in[1].size(), 1);
                    for (int i = 0; i < x.length; i++) {
                        out[i] = op.evaluate(x[i], in[1].getFlat(i % n));
                    }
                    return out;
                }).build());
    }

    private static double[] map1(NDArray x, java.util.function.DoubleUnaryOperator f) {
        double[] d = x.toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            d[i] = f.applyAsDouble(d[i]);
        }
        return d;
    }
}
