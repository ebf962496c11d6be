package org.gradaudit.core.ops;

import org.gradaudit.core.DType;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ElemwiseKernels.RowKernel;
import org.gradaudit.core.tensor.SpecialFunctions;

/**
 * The scalar functions behind {@link Elemwise}. Each declares its value ({@code apply}) and its
 * local partial derivatives ({@link #partials}) as graph; the L-op and R-op of every elementwise op
 * are derived from those in {@link Elemwise}, once.
 *
 * <p>A partial is a variable that broadcasts against the output, or null when the output does not
 * depend on that input (disconnected). The hottest binary ops override {@link #row} with a plain
 * loop; the others use the shared loops below, specialised per constant by the JIT.
 */
public enum ScalarOp implements RowKernel {
    ADD("add", 2) {
        @Override double apply(double a, double b) { return a + b; }
        @Override public Variable[] partials(Variable[] x, Variable y) { return ones(y, 2); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            double[] a = in[0], b = in[1];
            int ia = off[0], ib = off[1], sa = st[0], sb = st[1];
            for (int j = 0; j < n; j++, ia += sa, ib += sb) {
                out[o + j] = a[ia] + b[ib];
            }
        }
    },
    SUB("sub", 2) {
        @Override double apply(double a, double b) { return a - b; }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {one(y), T.constant(-1.0, y.dtype())};
        }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            double[] a = in[0], b = in[1];
            int ia = off[0], ib = off[1], sa = st[0], sb = st[1];
            for (int j = 0; j < n; j++, ia += sa, ib += sb) {
                out[o + j] = a[ia] - b[ib];
            }
        }
    },
    MUL("mul", 2) {
        @Override double apply(double a, double b) { return a * b; }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {x[1], x[0]}; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            double[] a = in[0], b = in[1];
            int ia = off[0], ib = off[1], sa = st[0], sb = st[1];
            for (int j = 0; j < n; j++, ia += sa, ib += sb) {
                out[o + j] = a[ia] * b[ib];
            }
        }
    },
    TRUE_DIV("true_div", 2) {
        @Override double apply(double a, double b) { return a / b; }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 = -y/b
            return new Variable[] {T.trueDiv(1.0, x[1]), T.neg(T.trueDiv(y, x[1]))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(DType.upcast(in[0], in[1])); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            double[] a = in[0], b = in[1];
            int ia = off[0], ib = off[1], sa = st[0], sb = st[1];
            for (int j = 0; j < n; j++, ia += sa, ib += sb) {
                out[o + j] = a[ia] / b[ib];
            }
        }
    },
    POW("pow", 2) {
        @Override double apply(double a, double b) { return Math.pow(a, b); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            // d(a^b)/da = b * a^(b-1); d(a^b)/db = a^b * log(a) (NaN for a < 0, as in Theano)
            return new Variable[] {T.mul(x[1], T.pow(x[0], T.sub(x[1], 1.0))), T.mul(y, T.log(x[0]))};
        }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    NEG("neg", 1) {
        @Override double apply(double a) { return -a; }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.constant(-1.0, y.dtype())};
        }
        @Override public DType outputType(DType... in) { return in[0]; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    SQR("sqr", 1) {
        @Override double apply(double a) { return a * a; }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.mul(x[0], 2.0)}; }
        @Override public DType outputType(DType... in) { return in[0]; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    SQRT("sqrt", 1) {
        @Override double apply(double a) { return Math.sqrt(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.trueDiv(0.5, y)}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    EXP("exp", 1) {
        @Override double apply(double a) { return Math.exp(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {y}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    LOG("log", 1) {
        @Override double apply(double a) { return Math.log(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.trueDiv(1.0, x[0])}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    TANH("tanh", 1) {
        @Override double apply(double a) { return SpecialFunctions.tanh(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.sub(1.0, T.sqr(y))};                        // 1 - tanh(x)^2
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    SIGMOID("sigmoid", 1) {
        @Override double apply(double a) {
            // 1/(1+e^-a), written to avoid overflow of e^-a for large negative a
            return a >= 0 ? 1.0 / (1.0 + Math.exp(-a)) : Math.exp(a) / (1.0 + Math.exp(a));
        }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.mul(y, T.sub(1.0, y))};                     // s(x) (1 - s(x))
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    /** {@code second(a, b)}: b broadcast to the shape of a (Theano's fill). */
    SECOND("second", 2) {
        @Override double apply(double a, double b) { return b; }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {null, one(y)}; }
        @Override public DType outputType(DType... in) { return in[1]; }
        @Override public boolean connected(int input) { return input == 1; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    /** {@code clip(x, lo, hi)}; at a bound the gradient goes to x (Theano's convention). */
    CLIP("clip", 3) {
        @Override double apply(double x, double lo, double hi) {
            return Double.isNaN(x) ? x : Math.min(Math.max(x, lo), hi);
        }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            DType d = y.dtype();
            return new Variable[] {
                T.cast(T.mul(T.ge(x[0], x[1]), T.le(x[0], x[2])), d),
                T.cast(T.lt(x[0], x[1]), d),
                T.cast(T.gt(x[0], x[2]), d)};
        }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map3(in, off, st, out, o, n, this::apply);
        }
    },
    INT_DIV("int_div", 2) {
        // NumPy's floor division; piecewise constant, so the gradient is zero (connected)
        @Override double apply(double a, double b) { return Math.floor(a / b); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {zero(y), zero(y)}; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    MOD("mod", 2) {
        // NumPy's remainder: the sign of the divisor. a mod b = a - b floor(a / b)
        @Override double apply(double a, double b) {
            double r = a % b;
            return r != 0 && (r < 0) != (b < 0) ? r + b : r;
        }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {one(y), T.neg(T.intDiv(x[0], x[1]))};
        }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    ABS("abs", 1) {
        @Override double apply(double a) { return Math.abs(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.sgn(x[0])}; }
        @Override public DType outputType(DType... in) { return in[0]; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    SGN("sgn", 1) {
        @Override double apply(double a) { return Double.isNaN(a) ? a : Math.signum(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {zero(y)}; }
        @Override public DType outputType(DType... in) { return in[0]; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    FLOOR("floor", 1) {
        @Override double apply(double a) { return Math.floor(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {zero(y)}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    CEIL("ceil", 1) {
        @Override double apply(double a) { return Math.ceil(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {zero(y)}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    /** Round half to even, as NumPy's round. */
    ROUND("round", 1) {
        @Override double apply(double a) { return Math.rint(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {zero(y)}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    RECIPROCAL("reciprocal", 1) {
        @Override double apply(double a) { return 1 / a; }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.neg(T.sqr(y))}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    EXP2("exp2", 1) {
        @Override double apply(double a) { return Math.pow(2, a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.mul(y, Math.log(2))}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    EXPM1("expm1", 1) {
        @Override double apply(double a) { return Math.expm1(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.add(y, 1.0)}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    LOG2("log2", 1) {
        @Override double apply(double a) { return Math.log(a) / Math.log(2); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(1.0, T.mul(x[0], Math.log(2)))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    LOG10("log10", 1) {
        @Override double apply(double a) { return Math.log10(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(1.0, T.mul(x[0], Math.log(10)))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    LOG1P("log1p", 1) {
        @Override double apply(double a) { return Math.log1p(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.trueDiv(1.0, T.add(x[0], 1.0))}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    SIN("sin", 1) {
        @Override double apply(double a) { return Math.sin(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.cos(x[0])}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    COS("cos", 1) {
        @Override double apply(double a) { return Math.cos(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.neg(T.sin(x[0]))}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    TAN("tan", 1) {
        @Override double apply(double a) { return Math.tan(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.add(T.sqr(y), 1.0)}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ARCSIN("arcsin", 1) {
        @Override double apply(double a) { return Math.asin(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(1.0, T.sqrt(T.sub(1.0, T.sqr(x[0]))))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ARCCOS("arccos", 1) {
        @Override double apply(double a) { return Math.acos(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(-1.0, T.sqrt(T.sub(1.0, T.sqr(x[0]))))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ARCTAN("arctan", 1) {
        @Override double apply(double a) { return Math.atan(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(1.0, T.add(T.sqr(x[0]), 1.0))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ARCTAN2("arctan2", 2) {
        @Override double apply(double a, double b) { return Math.atan2(a, b); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            Variable r2 = T.add(T.sqr(x[0]), T.sqr(x[1]));        // d/da = b / r^2, d/db = -a / r^2
            return new Variable[] {T.trueDiv(x[1], r2), T.neg(T.trueDiv(x[0], r2))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(DType.upcast(in[0], in[1])); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    SINH("sinh", 1) {
        @Override double apply(double a) { return Math.sinh(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.cosh(x[0])}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    COSH("cosh", 1) {
        @Override double apply(double a) { return Math.cosh(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.sinh(x[0])}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ARCSINH("arcsinh", 1) {
        @Override double apply(double a) {
            double s = Math.abs(a);
            return Math.copySign(Math.log1p(s + s * s / (1 + Math.sqrt(1 + s * s))), a);
        }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(1.0, T.sqrt(T.add(T.sqr(x[0]), 1.0)))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ARCCOSH("arccosh", 1) {
        @Override double apply(double a) { return Math.log(a + Math.sqrt(a * a - 1)); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(1.0, T.sqrt(T.sub(T.sqr(x[0]), 1.0)))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ARCTANH("arctanh", 1) {
        @Override double apply(double a) { return 0.5 * Math.log1p(2 * a / (1 - a)); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.trueDiv(1.0, T.sub(1.0, T.sqr(x[0])))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    /** log(1 + e^x), computed without overflow. */
    SOFTPLUS("softplus", 1) {
        @Override double apply(double a) { return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.sigmoid(x[0])}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ERF("erf", 1) {
        @Override double apply(double a) { return SpecialFunctions.erf(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.mul(TWO_OVER_SQRT_PI, T.exp(T.neg(T.sqr(x[0]))))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    ERFC("erfc", 1) {
        @Override double apply(double a) { return SpecialFunctions.erfc(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.mul(-TWO_OVER_SQRT_PI, T.exp(T.neg(T.sqr(x[0]))))};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    GAMMALN("gammaln", 1) {
        @Override double apply(double a) { return SpecialFunctions.gammaln(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.psi(x[0])}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    /** The digamma function, the derivative of gammaln. */
    PSI("psi", 1) {
        @Override double apply(double a) { return SpecialFunctions.digamma(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) { return new Variable[] {T.trigamma(x[0])}; }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    TRIGAMMA("trigamma", 1) {
        @Override double apply(double a) { return SpecialFunctions.trigamma(a); }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {Gradient.gradNotImplemented(new Elemwise(this), 0, x[0], "tetragamma is not implemented")};
        }
        @Override public DType outputType(DType... in) { return upgradeToFloat(in[0]); }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    /** Elementwise maximum. At ties the gradient goes to the first argument (both modes). */
    MAXIMUM("maximum", 2) {
        @Override double apply(double a, double b) { return Double.isNaN(a) || a >= b ? a : b; }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.cast(T.ge(x[0], x[1]), y.dtype()), T.cast(T.lt(x[0], x[1]), y.dtype())};
        }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    /** Elementwise minimum. At ties the gradient goes to the first argument (both modes). */
    MINIMUM("minimum", 2) {
        @Override double apply(double a, double b) { return Double.isNaN(a) || a <= b ? a : b; }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {T.cast(T.le(x[0], x[1]), y.dtype()), T.cast(T.gt(x[0], x[1]), y.dtype())};
        }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    /** {@code switch(cond, a, b)}: a where cond is non-zero, else b. cond is not connected. */
    SWITCH("switch", 3) {
        @Override double apply(double c, double a, double b) { return c != 0 ? a : b; }
        @Override public Variable[] partials(Variable[] x, Variable y) {
            return new Variable[] {null, T.cast(T.neq(x[0], 0), y.dtype()), T.cast(T.eq(x[0], 0), y.dtype())};
        }
        @Override public DType outputType(DType... in) { return DType.upcast(in[1], in[2]); }
        @Override public boolean connected(int input) { return input != 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map3(in, off, st, out, o, n, this::apply);
        }
    },
    AND("and", 2) {
        @Override double apply(double a, double b) { return a != 0 && b != 0 ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    OR("or", 2) {
        @Override double apply(double a, double b) { return a != 0 || b != 0 ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    XOR("xor", 2) {
        @Override double apply(double a, double b) { return (a != 0) != (b != 0) ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    NOT("not", 1) {
        @Override double apply(double a) { return a == 0 ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map1(in, off, st, out, o, n, this::apply);
        }
    },
    LT("lt", 2) {
        @Override double apply(double a, double b) { return a < b ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    GT("gt", 2) {
        @Override double apply(double a, double b) { return a > b ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    LE("le", 2) {
        @Override double apply(double a, double b) { return a <= b ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    GE("ge", 2) {
        @Override double apply(double a, double b) { return a >= b ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    EQ("eq", 2) {
        @Override double apply(double a, double b) { return a == b ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    },
    NEQ("neq", 2) {
        @Override double apply(double a, double b) { return a != b ? 1 : 0; }
        @Override public void row(double[][] in, int[] off, int[] st, double[] out, int o, int n) {
            map2(in, off, st, out, o, n, this::apply);
        }
    };

    private final String opName;
    private final int arity;

    ScalarOp(String opName, int arity) {
        this.opName = opName;
        this.arity = arity;
    }

    public String opName() { return opName; }

    public int arity() { return arity; }

    double apply(double a) { throw new UnsupportedOperationException(opName + " is not unary"); }

    double apply(double a, double b) { throw new UnsupportedOperationException(opName + " is not binary"); }

    double apply(double a, double b, double c) { throw new UnsupportedOperationException(opName + " is not ternary"); }

    /** The value at one point; for references and tests. */
    public double evaluate(double... args) {
        switch (args.length) {
            case 1: return apply(args[0]);
            case 2: return apply(args[0], args[1]);
            case 3: return apply(args[0], args[1], args[2]);
            default: throw new IllegalArgumentException(opName + " takes " + arity + " arguments");
        }
    }

    /**
     * Local partial derivatives d y / d x_i as graph, given the inputs and the output. Comparison
     * ops have none (they are not connected to their inputs).
     */
    public Variable[] partials(Variable[] x, Variable y) {
        return new Variable[x.length];
    }

    /** The output dtype; by default the NumPy upcast of the inputs; bool for comparisons. */
    public DType outputType(DType... in) {
        if (isComparison()) {
            return DType.BOOL;
        }
        return DType.upcast(in[0], java.util.Arrays.copyOfRange(in, 1, in.length));
    }

    /** Whether the output's values depend on input {@code input}. */
    public boolean connected(int input) {
        return !isComparison();
    }

    /** Comparisons and logical ops: bool outputs, not connected to their inputs. */
    public boolean isComparison() {
        switch (this) {
            case LT: case GT: case LE: case GE: case EQ: case NEQ: case AND: case OR: case XOR: case NOT:
                return true;
            default:
                return false;
        }
    }

    /** One row of the op over strided inputs; every constant implements it with its own loop. */
    @Override
    public abstract void row(double[][] in, int[] off, int[] st, double[] out, int o, int n);

    /*
     * The loops. Each constant's row() calls one of these with a method reference to its own
     * apply; the JIT inlines the loop into that row(), where the call is monomorphic and is
     * inlined too: no per-element virtual call.
     */
    interface F1 { double apply(double a); }
    interface F2 { double apply(double a, double b); }
    interface F3 { double apply(double a, double b, double c); }

    static void map1(double[][] in, int[] off, int[] st, double[] out, int o, int n, F1 f) {
        double[] a = in[0];
        for (int j = 0, ia = off[0], sa = st[0]; j < n; j++, ia += sa) {
            out[o + j] = f.apply(a[ia]);
        }
    }

    static void map2(double[][] in, int[] off, int[] st, double[] out, int o, int n, F2 f) {
        double[] a = in[0], b = in[1];
        for (int j = 0, ia = off[0], ib = off[1], sa = st[0], sb = st[1]; j < n; j++, ia += sa, ib += sb) {
            out[o + j] = f.apply(a[ia], b[ib]);
        }
    }

    static void map3(double[][] in, int[] off, int[] st, double[] out, int o, int n, F3 f) {
        double[] a = in[0], b = in[1], c = in[2];
        for (int j = 0, ia = off[0], ib = off[1], ic = off[2]; j < n; j++, ia += st[0], ib += st[1], ic += st[2]) {
            out[o + j] = f.apply(a[ia], b[ib], c[ic]);
        }
    }

    /** Theano's {@code upgrade_to_float}: small integers and bool to float32, others to float64. */
    public static DType upgradeToFloat(DType d) {
        if (d.isFloat()) {
            return d;
        }
        switch (d) {
            case BOOL: case INT8: case UINT8: case INT16: return DType.FLOAT32;
            default: return DType.FLOAT64;
        }
    }

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private static Variable zero(Variable like) {
        return T.constant(0.0, like.dtype());
    }

    private static Variable one(Variable like) {
        return T.constant(1.0, like.dtype());
    }

    private static Variable[] ones(Variable like, int n) {
        Variable[] r = new Variable[n];
        for (int i = 0; i < n; i++) {
            r[i] = one(like);
        }
        return r;
    }

    @Override
    public String toString() { return opName; }
}
