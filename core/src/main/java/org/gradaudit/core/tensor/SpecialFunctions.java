package org.gradaudit.core.tensor;

/**
 * Special functions Java's Math lacks, or has only as a slow native call: tanh, erf, erfc,
 * log-gamma, digamma, trigamma. Accurate to a few units in the last place over the ranges the op
 * catalogue audits, and smooth (no branch switch in the middle of a finite-difference step's range
 * except at fixed points far from audit points).
 */
public final class SpecialFunctions {
    private SpecialFunctions() {}

    // tanh(x) = x + x z P(z) / Q(z), z = x^2, for |x| < 0.625: the rational approximation of
    // Cephes' tanh (Moshier), P of degree 2 and monic Q of degree 3
    private static final double TANH_P0 = -9.64399179425052238628E-1;
    private static final double TANH_P1 = -9.92877231001918586564E1;
    private static final double TANH_P2 = -1.61468768441708447952E3;
    private static final double TANH_Q0 = 1.12811678491632931402E2;
    private static final double TANH_Q1 = 2.23548839060100448583E3;
    private static final double TANH_Q2 = 4.84406305325125486048E3;

    /**
     * tanh(x) within 2 units in the last place of fdlibm's ({@code StrictMath.tanh}, itself within
     * 1 of the correctly rounded value; glibc's bound for its tanh is 2), odd bit for bit: the rational approximation below 0.625, {@code 1 - 2/(e^2|x| + 1)}
     * above (Math.exp is compiled to a machine intrinsic), 1 above 22. {@code Math.tanh} on Java 17
     * is a native call to fdlibm that costs about 2.5 times as much.
     */
    public static double tanh(double x) {
        double a = Math.abs(x);
        if (a >= 0.625) {
            if (a > 22) {
                return Math.copySign(1.0, x);            // 1 - tanh(22) < 2^-60
            }
            double s = Math.exp(2 * a);
            return Math.copySign(1.0 - 2.0 / (s + 1.0), x);
        }
        if (x == 0) {
            return x;                                    // keeps the sign of zero
        }
        double z = x * x;
        return x + x * z * (((TANH_P0 * z + TANH_P1) * z + TANH_P2) / (((z + TANH_Q0) * z + TANH_Q1) * z + TANH_Q2));
    }

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;     // 2 / sqrt(pi)
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;     // 1 / sqrt(pi)

    /** erf(x). Series with positive terms for |x| < 2.5; 1 - erfc(|x|) (continued fraction) beyond. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a < 2.5) {
            return erfSeries(x);
        }
        return Math.copySign(1 - erfcContinuedFraction(a), x);
    }

    /** erfc(x) = 1 - erf(x), without cancellation for large positive x. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < 2.5) {
            return 1 - erf(x);
        }
        return erfcContinuedFraction(x);
    }

    /** erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1 3 5 ... (2n+1)): every term positive for x > 0. */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /**
     * erfc(x) for x >= 2.5 by the continued fraction
     * erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated with
     * modified Lentz.
     */
    private static double erfcContinuedFraction(double x) {
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 500; k++) {
            double ak = k / 2.0;
            d = x + ak * d;
            d = d == 0 ? tiny : d;
            c = x + ak / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** log|Gamma(x)|: Lanczos (g = 7) for x >= 0.5, the reflection formula below. +inf at 0, -1, -2, ... */
    public static double gammaln(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < 0.5) {
            // Gamma(x) Gamma(1 - x) = pi / sin(pi x)
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - gammaln(1 - x);
        }
        double z = x - 1;
        double s = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            s += LANCZOS[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
    }

    /** The digamma function psi(x) = d/dx log Gamma(x): recurrence up to x >= 6, then the asymptotic series. */
    public static double digamma(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.NaN;
        }
        if (x < 0) {
            // psi(1 - x) - psi(x) = pi cot(pi x)
            return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
        }
        double r = 0;
        while (x < 6) {
            r -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        double series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132
                + f * (691.0 / 32760 + f * (-1.0 / 12)))))));
        return r + Math.log(x) - 0.5 / x + series;
    }

    /** The trigamma function psi'(x): recurrence up to x >= 6, then the asymptotic series. */
    public static double trigamma(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.NaN;
        }
        if (x < 0) {
            // psi'(1 - x) + psi'(x) = pi^2 / sin^2(pi x)
            double s = Math.sin(Math.PI * x);
            return -trigamma(1 - x) + Math.PI * Math.PI / (s * s);
        }
        double r = 0;
        while (x < 6) {
            r += 1 / (x * x);
            x += 1;
        }
        double f = 1 / (x * x);
        // 1/x + 1/(2x^2) + sum B_2k / x^(2k+1)
        double series = (1 + f * (1.0 / 6 + f * (-1.0 / 30 + f * (1.0 / 42 + f * (-1.0 / 30 + f * (5.0 / 66
                + f * (-691.0 / 2730 + f * (7.0 / 6)))))))) / x;
        return r + series + 0.5 * f;
    }
}
