package org.gradaudit.bench;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.SharedVariable;
import org.gradaudit.core.compile.Program;

/**
 * Where a compiled gradient spends its time: runs the program's instructions one by one, as
 * {@link Program#run} does, timing each ({@code bench/run --profile}). Reads the program's
 * constant slots by reflection (the benchmark module does not change core); the per-run total is
 * checked against {@link Program#run} so the interpreter's own cost is visible.
 */
public final class OpProfile {
    private OpProfile() {}

    public static void main(String[] args) throws Exception {
        Problems.MlpData d = new Problems.MlpData();
        profile("MLP gradient (a)", Problems.mlpGradient(), d.gradauditArgs(), 300);
        for (int n : new int[] {500, 2000}) {
            Problems.TanhData t = new Problems.TanhData(n);
            profile("tanh layer gradient (b), n=" + n, Problems.tanhGradient(), t.gradauditArgs(), n == 500 ? 600 : 60);
        }
        JacobianBench j = new JacobianBench();
        j.n = 500;
        j.setup();
        profile("vectorized Jacobian of tanh(W x), n=500 (Step 4)", j.vectorizedFunction(), j.args(), 60);
        profile("scan Jacobian of tanh(W x), n=500 (Step 4)", j.scanFunction(), j.args(), 20);
    }

    static void profile(String title, Function f, NDArray[] inputs, int reps) throws Exception {
        Program p = f.program();
        List<Program.Instruction> code = p.instructions();
        long[] nanos = new long[code.size()];
        long[] bytes = new long[code.size()];
        for (int warm = 0; warm < reps; warm++) {
            interpret(p, code, inputs, null, null);
            p.run(inputs);
        }
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            p.run(inputs);
        }
        double runMs = (System.nanoTime() - t0) / 1e6 / reps;
        for (int r = 0; r < reps; r++) {
            interpret(p, code, inputs, nanos, bytes);
        }
        long total = 0;
        for (long x : nanos) {
            total += x;
        }
        System.out.printf(Locale.ROOT, "%n== %s: Program.run %.3f ms/call; sum of per-instruction times %.3f ms%n", title,
                runMs, total / 1e6 / reps);
        System.out.printf(Locale.ROOT, "  %6s %9s %9s  %s%n", "share", "ms/call", "MB out", "instruction");
        Integer[] order = new Integer[code.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(nanos[b], nanos[a]));
        for (int i : order) {
            System.out.printf(Locale.ROOT, "  %5.1f%% %9.4f %9.3f  %s%n", 100.0 * nanos[i] / total, nanos[i] / 1e6 / reps,
                    bytes[i] / 1e6 / reps, code.get(i));
        }
        Map<String, long[]> byOp = new LinkedHashMap<>();
        for (int i = 0; i < code.size(); i++) {
            String k = code.get(i).op().getClass().getSimpleName();
            long[] v = byOp.computeIfAbsent(k, x -> new long[2]);
            v[0] += nanos[i];
            v[1]++;
        }
        List<Map.Entry<String, long[]>> es = new ArrayList<>(byOp.entrySet());
        es.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        StringBuilder sb = new StringBuilder("  by op class:");
        for (Map.Entry<String, long[]> e : es) {
            sb.append(String.format(Locale.ROOT, " %s %.1f%% (%d);", e.getKey(), 100.0 * e.getValue()[0] / total,
                    e.getValue()[1]));
        }
        System.out.println(sb);
    }

    /** One run, instruction by instruction; adds each one's time and output bytes when the arrays are given. */
    private static void interpret(Program p, List<Program.Instruction> code, NDArray[] inputs, long[] nanos, long[] bytes)
            throws Exception {
        NDArray[] slots = new NDArray[p.nSlots()];
        System.arraycopy(inputs, 0, slots, 0, inputs.length);
        int[] constSlots = (int[]) field(p, "constSlots");
        NDArray[] constValues = (NDArray[]) field(p, "constValues");
        int[] sharedSlots = (int[]) field(p, "sharedSlots");
        SharedVariable[] shared = (SharedVariable[]) field(p, "shared");
        for (int i = 0; i < constSlots.length; i++) {
            slots[constSlots[i]] = constValues[i];
        }
        for (int i = 0; i < sharedSlots.length; i++) {
            slots[sharedSlots[i]] = shared[i].getValue();
        }
        for (int pc = 0; pc < code.size(); pc++) {
            Program.Instruction ins = code.get(pc);
            int[] in = ins.inputs();
            int[] out = ins.outputs();
            NDArray[] a = new NDArray[in.length];
            for (int k = 0; k < in.length; k++) {
                a[k] = slots[in[k]];
            }
            long t = System.nanoTime();
            NDArray[] res = ins.op().perform(a);
            if (nanos != null) {
                nanos[pc] += System.nanoTime() - t;
            }
            for (int k = 0; k < out.length; k++) {
                slots[out[k]] = res[k];
                if (bytes != null) {
                    bytes[pc] += 8L * res[k].size();
                }
            }
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
