package org.gradaudit.core.check;

import java.util.Arrays;
import java.util.Locale;

/**
 * The numeric and the analytic gradient disagree: at flat position {@link #errPos()} of argument
 * {@link #arg()}, both the absolute and the relative error exceed their tolerances (or one is not
 * finite). The message has Theano's layout, followed by the input's name, the multi-index, the
 * test and the values at full precision.
 */
public class GradientError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int arg;
    private final int errPos;
    private final int[] shape;
    private final double val1;
    private final double val2;
    private final double absErr;
    private final double relErr;
    private final double absTol;
    private final double relTol;
    private final String inputName;
    private final int test;

    public GradientError(int arg, int errPos, int[] shape, double val1, double val2, double absErr, double relErr,
            double absTol, double relTol, String inputName, int test) {
        super(message(arg, errPos, shape, val1, val2, absErr, relErr, absTol, relTol, inputName, test));
        this.arg = arg;
        this.errPos = errPos;
        this.shape = shape.clone();
        this.val1 = val1;
        this.val2 = val2;
        this.absErr = absErr;
        this.relErr = relErr;
        this.absTol = absTol;
        this.relTol = relTol;
        this.inputName = inputName;
        this.test = test;
    }

    /** Index of the input. */
    public int arg() { return arg; }
    /** Flat (C order) position in that input. */
    public int errPos() { return errPos; }
    /** Shape of the analytic gradient (= the input's shape). */
    public int[] shape() { return shape.clone(); }
    /** The analytic value. */
    public double val1() { return val1; }
    /** The numeric value. */
    public double val2() { return val2; }
    public double absErr() { return absErr; }
    public double relErr() { return relErr; }
    public double absTol() { return absTol; }
    public double relTol() { return relTol; }
    public String inputName() { return inputName; }
    /** The test (projection) in which the disagreement was found. */
    public int test() { return test; }

    /** True when an error was NaN or infinite rather than too large. */
    public boolean nonFinite() {
        return !Double.isFinite(absErr) || !Double.isFinite(relErr);
    }

    private static String message(int arg, int errPos, int[] shape, double val1, double val2, double absErr,
            double relErr, double absTol, double relTol, String inputName, int test) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "GradientError: numeric gradient and analytic gradient exceed tolerance:%n"
                + "        At position %d of argument %d with shape %s,%n"
                + "            val1 = %f      ,  val2 = %f%n"
                + "            abs. error = %f,  abs. tolerance = %f%n"
                + "            rel. error = %f,  rel. tolerance = %f%n",
                errPos, arg, pythonShape(shape), val1, val2, absErr, absTol, relErr, relTol));
        sb.append("        input ").append(inputName == null ? "#" + arg : "'" + inputName + "'")
                .append(" at index ").append(Arrays.toString(org.gradaudit.core.NDArray.unravel(errPos, shape)))
                .append(", test ").append(test).append(": analytic ").append(val1).append(", numeric ").append(val2)
                .append(", abs. error ").append(absErr).append(", rel. error ").append(relErr);
        return sb.toString();
    }

    /** Python's tuple notation: (2,) or (2, 3). */
    static String pythonShape(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
