package org.gradaudit.bench.peers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.gradaudit.bench.Problems;

/**
 * PyTorch (libtorch CPU, float64, eager autograd) through DJL. The native library comes from the
 * pytorch-native-cpu classifier jar and DJL runs offline ({@code -Dai.djl.offline=true}); the
 * JNI glue comes from the pytorch-jni jar.
 */
final class DjlPyTorch implements AutoCloseable {
    private final NDManager manager;

    DjlPyTorch() {
        if (!Boolean.getBoolean("ai.djl.offline")) {
            throw new IllegalStateException("run with -Dai.djl.offline=true: nothing may be downloaded at run time");
        }
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    /** Fails unless PyTorch runs {@code n} intra-op threads (so the figure says what it measures). */
    static void requireThreads(int n) {
        int t = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        if (t != n) {
            throw new IllegalStateException("PyTorch runs " + t + " intra-op threads, expected " + n);
        }
    }

    NDArray param(double[] data, long... shape) {
        NDArray a = manager.create(data, new Shape(shape));
        a.setRequiresGradient(true);
        return a;
    }

    NDArray constant(double[] data, long... shape) {
        return manager.create(data, new Shape(shape));
    }

    /** The MLP loss's gradient; the gradients live until the next call. */
    final class Mlp {
        private final NDArray x;
        private final NDArray y;
        private final NDArray[] params;
        private NDManager scope;

        Mlp(Problems.MlpData d) {
            x = constant(d.x, Problems.BATCH, Problems.IN);
            y = constant(d.y, Problems.BATCH, Problems.OUT);
            params = new NDArray[] {
                param(d.w1, Problems.IN, Problems.HIDDEN), param(d.b1, Problems.HIDDEN),
                param(d.w2, Problems.HIDDEN, Problems.OUT), param(d.b2, Problems.OUT),
            };
        }

        NDArray[] gradient() {
            if (scope != null) {
                scope.close();                 // frees the previous call's intermediates and gradients
            }
            scope = manager.newSubManager();
            scope.tempAttachAll(x, y, params[0], params[1], params[2], params[3]);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.zeroGradients();
                NDArray h = x.matMul(params[0]).add(params[1]).tanh();
                NDArray o = h.matMul(params[2]).add(params[3]).sub(y);
                gc.backward(o.square().sum());
            }
            NDArray[] g = new NDArray[params.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = params[i].getGradient();
            }
            return g;
        }
    }

    /** The gradient of sum(tanh(W x + b)^2) with respect to W, x, b. */
    final class Tanh {
        private final NDArray[] params;
        private NDManager scope;

        Tanh(Problems.TanhData d) {
            params = new NDArray[] {param(d.w, d.n, d.n), param(d.x, d.n), param(d.b, d.n)};
        }

        NDArray[] gradient() {
            if (scope != null) {
                scope.close();
            }
            scope = manager.newSubManager();
            scope.tempAttachAll(params[0], params[1], params[2]);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.zeroGradients();
                NDArray t = params[0].matMul(params[1]).add(params[2]).tanh();
                gc.backward(t.square().sum());
            }
            NDArray[] g = new NDArray[params.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = params[i].getGradient();
            }
            return g;
        }
    }

    static double[][] toJava(NDArray[] g) {
        double[][] r = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            r[i] = g[i].toDoubleArray();
        }
        return r;
    }

    @Override
    public void close() {
        manager.close();
    }
}
