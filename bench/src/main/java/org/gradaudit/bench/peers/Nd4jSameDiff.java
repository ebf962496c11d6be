package org.gradaudit.bench.peers;

import java.util.Collections;
import java.util.Map;
import org.gradaudit.bench.Problems;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J SameDiff (native CPU backend, OpenBLAS), float64: the graph is built once, the gradient run per call. */
final class Nd4jSameDiff {
    private Nd4jSameDiff() {}

    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static INDArray array(double[] data, long... shape) {
        return Nd4j.create(data, shape, DataType.DOUBLE);
    }

    /** A compiled gradient: the variables whose gradients are wanted, in order. */
    static final class Grad {
        final SameDiff sd;
        final String[] wrt;

        Grad(SameDiff sd, String... wrt) {
            this.sd = sd;
            this.wrt = wrt;
        }

        Map<String, INDArray> gradient() {
            return sd.calculateGradients(Collections.emptyMap(), wrt);
        }

        double[][] toJava(Map<String, INDArray> g) {
            double[][] r = new double[wrt.length][];
            for (int i = 0; i < wrt.length; i++) {
                r[i] = g.get(wrt[i]).dup('c').data().asDouble();
            }
            return r;
        }
    }

    static Grad mlp(Problems.MlpData d) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.constant("X", array(d.x, Problems.BATCH, Problems.IN));
        SDVariable y = sd.constant("Y", array(d.y, Problems.BATCH, Problems.OUT));
        SDVariable w1 = sd.var("W1", array(d.w1, Problems.IN, Problems.HIDDEN));
        SDVariable b1 = sd.var("b1", array(d.b1, 1, Problems.HIDDEN));
        SDVariable w2 = sd.var("W2", array(d.w2, Problems.HIDDEN, Problems.OUT));
        SDVariable b2 = sd.var("b2", array(d.b2, 1, Problems.OUT));
        SDVariable h = sd.math.tanh(x.mmul(w1).add(b1));
        SDVariable o = h.mmul(w2).add(b2).sub(y);
        SDVariable loss = o.mul(o).sum();
        loss.markAsLoss();
        return new Grad(sd, "W1", "b1", "W2", "b2");
    }

    static Grad tanh(Problems.TanhData d) {
        SameDiff sd = SameDiff.create();
        SDVariable w = sd.var("W", array(d.w, d.n, d.n));
        SDVariable x = sd.var("x", array(d.x, d.n, 1));
        SDVariable b = sd.var("b", array(d.b, d.n, 1));
        SDVariable t = sd.math.tanh(w.mmul(x).add(b));
        SDVariable c = t.mul(t).sum();
        c.markAsLoss();
        return new Grad(sd, "W", "x", "b");
    }
}
