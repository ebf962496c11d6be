package org.gradaudit.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks matching the given patterns (all by default) in one JMH run and prints them
 * side by side: per problem (a benchmark class and its peers' class, {@code XxxBench} and
 * {@code peers.XxxPeersBench}) and parameter set, every implementation's time with its error
 * (99.9% confidence interval) and its ratio to gradaudit's; then the Step 8 goals with the ratios
 * that decide them.
 *
 * <p>Options before the patterns: {@code --prof NAME} adds a JMH profiler (e.g. {@code gc}).
 */
public final class SideBySide {
    private SideBySide() {}

    /** A measured figure: score and error in the benchmark's unit. */
    record Figure(String method, double score, double error, String unit, double best) {}

    public static void main(String[] args) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder().shouldFailOnError(true);
        int patterns = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--prof") && i + 1 < args.length) {
                o.addProfiler(args[++i]);
            } else {
                o.include(args[i]);
                patterns++;
            }
        }
        if (patterns == 0) {
            o.include("org\\.gradaudit\\.bench\\..*");
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, List<Figure>> groups = new LinkedHashMap<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            String problem = cls.substring(cls.lastIndexOf('.') + 1).replaceAll("Peers(1t)?Bench$", "Bench");
            Result<?> p = r.getPrimaryResult();
            groups.computeIfAbsent(problem + " " + params(r), k -> new ArrayList<>())
                    .add(new Figure(bench.substring(bench.lastIndexOf('.') + 1), p.getScore(), p.getScoreError(),
                            p.getScoreUnit(), best(r)));
        }
        System.out.println();
        System.out.println("Side by side (one JMH run; error = 99.9% CI; best = the best measurement iteration,"
                + " what a quiet machine approaches; ratio = mean / gradaudit's mean, or / the fastest where there is"
                + " no gradaudit row):");
        for (Map.Entry<String, List<Figure>> g : groups.entrySet()) {
            List<Figure> fs = g.getValue();
            Figure ref = find(fs, "gradaudit");
            double base = ref != null ? ref.score : fs.stream().mapToDouble(Figure::score).min().orElse(1);
            System.out.println(g.getKey());
            for (Figure f : fs) {
                System.out.printf(Locale.ROOT, "  %-24s %12.4f ± %9.4f %-8s best %12.4f  x%.2f%n", f.method, f.score,
                        f.error, f.unit, f.best, f.score / base);
            }
        }
        goals(groups);
    }

    private static void goals(Map<String, List<Figure>> groups) {
        System.out.println();
        System.out.println("Goals (Step 8):");
        List<Figure> mlp = groups.get("MlpBench ");
        if (mlp != null) {
            versus("(a) MLP gradient: gradaudit faster than every other implementation", mlp, 1.0, null);
        }
        for (String n : new String[] {"500", "2000"}) {
            List<Figure> t = groups.get("TanhBench (n=" + n + ")");
            if (t != null) {
                versus("(b) tanh layer n=" + n + ": gradaudit within 1.2x of hand-written Java", t, 1.2, "handWritten");
                versus("(b) tanh layer n=" + n + ": gradaudit faster than every peer", t, 1.0, "peers");
            }
        }
        List<Figure> peak = groups.get("PeakBench ");
        double peak1 = Double.NaN;
        double peak1Best = Double.NaN;
        if (peak != null) {
            Figure p1 = find(peak, "fma1Thread");
            Figure p2 = find(peak, "fma2Threads");
            double k = PeakBench.flopsPerCall() / 1e9;
            System.out.printf(Locale.ROOT, "(c) peak double FMA rate (%d-lane vectors): 1 thread %.1f ± %.1f GFLOP/s"
                    + " (best %.1f)", PeakBench.S.length(), p1.score * k, p1.error * k, p1.best * k);
            peak1 = p1.score * k;
            peak1Best = p1.best * k;
            if (p2 != null) {
                System.out.printf(Locale.ROOT, ", 2 threads %.1f ± %.1f GFLOP/s (best %.1f)", p2.score * k, p2.error * k,
                        p2.best * k);
            }
            System.out.println();
        }
        for (String n : new String[] {"500", "2000"}) {
            List<Figure> gm = groups.get("GemmBench (n=" + n + ")");
            if (gm == null) {
                continue;
            }
            double flop = 2.0 * Math.pow(Integer.parseInt(n), 3);
            StringBuilder sb = new StringBuilder("(c) matrix product n=" + n + ":");
            for (Figure f : gm) {
                double gf = flop / (f.score * 1e-3) / 1e9;          // scores in ms/op
                double err = gf * f.error / f.score;
                double gfBest = flop / (f.best * 1e-3) / 1e9;
                sb.append(String.format(Locale.ROOT, " %s %.1f ± %.1f GFLOP/s (best %.1f)", f.method, gf, err, gfBest));
                if (f.method.equals("gradaudit") && !Double.isNaN(peak1)) {
                    sb.append(String.format(Locale.ROOT, " = %.0f%% of the 1-thread peak (best/best %.0f%%): goal >= 50%%"
                            + " means: %s, best: %s", 100 * gf / peak1, 100 * gfBest / peak1Best, verdict(gf / peak1 >= 0.5),
                            verdict(gfBest / peak1Best >= 0.5)));
                }
                sb.append(';');
            }
            System.out.println(sb);
        }
        double nW1 = Problems.IN * Problems.HIDDEN + Problems.HIDDEN;
        double nW2 = Problems.HIDDEN * Problems.OUT + Problems.OUT;
        double weighted = 0;
        double forward = Double.NaN;
        double weightedBest = 0;
        double forwardBest = Double.POSITIVE_INFINITY;
        int seen = 0;
        for (String in : new String[] {"W1", "W2"}) {
            List<Figure> v = groups.get("VerifyGradBench (input=" + in + ")");
            if (v == null) {
                continue;
            }
            Figure fw = find(v, "forward");
            Figure el = find(v, "verifyGradPerElement");
            Figure re = find(v, "rerun");
            Figure nv = find(v, "naiveRun");
            forward = Double.isNaN(forward) ? fw.score : (forward + fw.score) / 2;   // the same function twice
            System.out.printf(Locale.ROOT, "(d) verifyGrad full mode, %s coordinates: per element / forward = x%.2f"
                    + " (best x%.2f); naive run / rerun = x%.2f (best x%.2f) (goal >= 2 means: %s, best: %s)%n", in,
                    el.score / fw.score, el.best / fw.best, nv.score / re.score, nv.best / re.best,
                    verdict(nv.score / re.score >= 2), verdict(nv.best / re.best >= 2));
            weighted += (in.equals("W1") ? nW1 : nW2) * el.score;
            weightedBest += (in.equals("W1") ? nW1 : nW2) * el.best;
            forwardBest = Math.min(forwardBest, fw.best);
            seen++;
        }
        if (seen == 2) {
            double perElement = weighted / (nW1 + nW2);
            double perElementBest = weightedBest / (nW1 + nW2);
            System.out.printf(Locale.ROOT, "(d) verifyGrad full mode over all %d MLP coordinates (W1, b1 at W1's cost;"
                    + " W2, b2 at W2's): per element / forward = x%.2f (best x%.2f) (goal <= 1.25 means: %s, best: %s)%n",
                    (int) (nW1 + nW2), perElement / forward, perElementBest / forwardBest,
                    verdict(perElement / forward <= 1.25), verdict(perElementBest / forwardBest <= 1.25));
        }
    }

    /**
     * Prints gradaudit's ratio to each other row (or to the named one, or to the peers) and the
     * verdict, from the means and from the best iterations (on a shared machine the two can differ).
     */
    private static void versus(String goal, List<Figure> fs, double limit, String only) {
        Figure multi = find(fs, "gradaudit");
        if (multi == null) {
            return;
        }
        Figure single = find(fs, "gradaudit1Thread");
        StringBuilder sb = new StringBuilder(goal + ":");
        boolean met = true;
        boolean metBest = true;
        int compared = 0;
        for (Figure f : fs) {
            if (f.method.startsWith("gradaudit") || (only != null && (only.equals("peers")
                    ? f.method.equals("handWritten") : !f.method.equals(only)))) {
                continue;
            }
            // one-thread implementations against gradaudit on one thread, the others against its default
            boolean oneThread = f.method.equals("handWritten") || f.method.endsWith("1Thread");
            Figure ref = oneThread && single != null ? single : multi;
            double r = ref.score / f.score;
            double rb = ref.best / f.best;
            met &= limit > 1 ? r <= limit : r < limit;
            metBest &= limit > 1 ? rb <= limit : rb < limit;
            compared++;
            sb.append(String.format(Locale.ROOT, " %s/%s = x%.2f (best x%.2f);", ref.method, f.method, r, rb));
        }
        if (compared == 0) {
            sb.append(" (no peers in this run: bench/run --peers)");
        } else {
            sb.append(" means: ").append(verdict(met)).append(", best: ").append(verdict(metBest));
        }
        System.out.println(sb);
    }

    private static String verdict(boolean met) {
        return met ? "MET" : "NOT MET";
    }

    /** The best iteration: the lowest time, or the highest throughput. */
    private static double best(RunResult r) {
        boolean throughput = r.getParams().getMode() == org.openjdk.jmh.annotations.Mode.Throughput;
        double b = throughput ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (org.openjdk.jmh.results.BenchmarkResult br : r.getBenchmarkResults()) {
            for (org.openjdk.jmh.results.IterationResult ir : br.getIterationResults()) {
                double s = ir.getPrimaryResult().getScore();
                b = throughput ? Math.max(b, s) : Math.min(b, s);
            }
        }
        return b;
    }

    private static Figure find(List<Figure> fs, String method) {
        for (Figure f : fs) {
            if (f.method.equals(method)) {
                return f;
            }
        }
        return null;
    }

    private static String params(RunResult r) {
        StringBuilder sb = new StringBuilder();
        for (String k : r.getParams().getParamsKeys()) {
            sb.append(sb.length() == 0 ? "(" : ", ").append(k).append('=').append(r.getParams().getParam(k));
        }
        return sb.length() == 0 ? "" : sb.append(')').toString();
    }
}
