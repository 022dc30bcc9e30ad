package io.fulmen.runtime.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import io.fulmen.optim.Adam;
import io.fulmen.optim.AdamW;
import io.fulmen.optim.Optimizer;
import io.fulmen.optim.OptimizerKernels;
import io.fulmen.optim.Sgd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused Adam and SGD kernels against torch's formulas computed here in double precision, against DJL's per-tensor kernel,
 * and where it must decline (float64 weights): real libtorch tensors, real gradients from a backward pass.
 */
class FusedOptimizerKernelsTest {
    private static final int STEPS = 12;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static OptimizerKernels kernels() {
        Optional<OptimizerKernels> k = new PyTorchEngineProvider().create(null).optimizerKernels();
        assertTrue(k.isPresent(), "the fused kernels must be built (g++ is installed by scripts/install-system-deps)"
                + " and load next to DJL's libdjl_torch");
        return k.get();
    }

    /** A Linear(3) on 4 features: a 3x4 weight and a bias, both needing gradients. */
    private Linear block(DataType type, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        Linear linear = Linear.builder().setUnits(3).build();
        linear.initialize(manager, type, new Shape(1, 4));
        return linear;
    }

    /** Gradient of sum(w * c) is c: step k's gradient of each parameter is known exactly. */
    private static float coefficient(int k, int i) {
        return (float) Math.sin(0.7 * k + 1.3 * i) * (1 + (i % 3));
    }

    private static void backward(Linear block, int k) {
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray loss = null;
            for (Parameter p : block.getParameters().values()) {
                NDArray w = p.getArray();
                float[] c = new float[(int) w.size()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = coefficient(k, i);
                }
                NDArray term = w.mul(w.getManager().create(c, w.getShape()).toType(w.getDataType(), false)).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    /** torch.optim.Adam / AdamW in double precision, for the same gradients. */
    private static double[] reference(float[] w0, int steps, double lr, double wd, boolean decoupled) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[] w = new double[w0.length];
        double[] m = new double[w0.length];
        double[] v = new double[w0.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = w0[i];
        }
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = coefficient(t - 1, i);
                if (decoupled) {
                    w[i] *= 1 - lr * wd;
                } else {
                    g += wd * w[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return w;
    }

    private void train(Linear block, Optimizer optimizer, OptimizerKernels kernels) {
        optimizer.bind(manager);
        optimizer.useKernels(kernels);
        for (int k = 0; k < STEPS; k++) {
            backward(block, k);
            optimizer.step(block.getParameters());
        }
    }

    /** A reference optimizer in double precision: the weights after {@code STEPS} steps from {@code w0}. */
    private interface Reference {
        double[] after(float[] w0);
    }

    private void assertMatchesTorch(Optimizer optimizer, double lr, double wd, boolean decoupled) {
        assertMatchesTorch(optimizer, w0 -> reference(w0, STEPS, lr, wd, decoupled));
    }

    private void assertMatchesTorch(Optimizer optimizer, Reference reference) {
        Linear block = block(DataType.FLOAT32, 7);
        List<float[]> initial = block.getParameters().values().stream().map(p -> p.getArray().toFloatArray())
                .toList();
        OptimizerKernels kernels = kernels();
        int[] fusedSteps = {0};
        train(block, optimizer, new OptimizerKernels() {
            @Override
            public boolean adam(AdamStep step) {
                return counted(kernels.adam(step));
            }

            @Override
            public boolean sgd(SgdStep step) {
                return counted(kernels.sgd(step));
            }

            private boolean counted(boolean done) {
                fusedSteps[0] += done ? 1 : 0;
                return done;
            }
        });
        assertEquals(STEPS, fusedSteps[0], "every step must run on the fused kernel, both tensors in one call");
        int j = 0;
        for (Parameter p : block.getParameters().values()) {
            double[] expected = reference.after(initial.get(j++));
            float[] actual = p.getArray().toFloatArray();
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 2e-6, p.getName() + "[" + i + "]");
            }
            try (NDArray grad = p.getArray().getGradient()) {
                for (float g : grad.toFloatArray()) {
                    assertEquals(0f, g, "the fused step leaves the gradient at zero");
                }
            }
        }
    }

    @Test
    void adamMatchesTorchsFormula() {
        assertMatchesTorch(Adam.builder().lr(0.05f).build(), 0.05, 0, false);
    }

    @Test
    void adamWithL2PenaltyMatchesTorchsFormula() {
        assertMatchesTorch(Adam.builder().lr(0.05f).weightDecay(0.1f).build(), 0.05, 0.1, false);
    }

    @Test
    void adamWMatchesTorchsFormula() {
        assertMatchesTorch(AdamW.builder().lr(0.05f).weightDecay(0.2f).build(), 0.05, 0.2, true);
    }

    @Test
    void fusedAndPerTensorKernelsAgreeWithParameterGroups() {
        Linear fused = block(DataType.FLOAT32, 11);
        Linear perTensor = block(DataType.FLOAT32, 11);
        Adam a = Adam.builder().lr(0.02f).build();
        Adam b = Adam.builder().lr(0.02f).fused(false).build();
        // The bias in a group of its own at another rate, as BackboneFinetuning adds groups.
        a.addParamGroup(List.of(fused.getParameters().get("bias")), 0.3f);
        b.addParamGroup(List.of(perTensor.getParameters().get("bias")), 0.3f);
        train(fused, a, kernels());
        train(perTensor, b, kernels());
        for (String name : List.of("weight", "bias")) {
            float[] x = fused.getParameters().get(name).getArray().toFloatArray();
            float[] y = perTensor.getParameters().get(name).getArray().toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i], x[i], 1e-6, name + "[" + i + "]");
            }
        }
        assertEquals(a.exportState(manager).entries().keySet(), b.exportState(manager).entries().keySet());
    }

    /** torch.optim.SGD in double precision, for the same gradients. */
    private static double[] sgdReference(float[] w0, double lr, double momentum, double dampening, double wd,
                                         boolean nesterov) {
        double[] w = new double[w0.length];
        double[] buf = new double[w0.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = w0[i];
        }
        for (int t = 1; t <= STEPS; t++) {
            for (int i = 0; i < w.length; i++) {
                double d = coefficient(t - 1, i) + wd * w[i];
                if (momentum != 0) {
                    buf[i] = t == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                w[i] -= lr * d;
            }
        }
        return w;
    }

    @Test
    void plainSgdMatchesTorchsFormula() {
        assertMatchesTorch(Sgd.builder().lr(0.1f).build(), w0 -> sgdReference(w0, 0.1, 0, 0, 0, false));
    }

    @Test
    void sgdWithMomentumDampeningAndDecayMatchesTorchsFormula() {
        assertMatchesTorch(Sgd.builder().lr(0.05f).momentum(0.9f).dampening(0.1f).weightDecay(0.01f).build(),
                w0 -> sgdReference(w0, 0.05, 0.9, 0.1, 0.01, false));
    }

    @Test
    void nesterovSgdMatchesTorchsFormula() {
        assertMatchesTorch(Sgd.builder().lr(0.05f).momentum(0.8f).nesterov(true).build(),
                w0 -> sgdReference(w0, 0.05, 0.8, 0, 0, true));
    }

    @Test
    void float64WeightsAreDeclinedAndUpdatedOneTensorAtATime() {
        Linear block = block(DataType.FLOAT64, 5);
        NDArray weight = block.getParameters().get("weight").getArray();
        backward(block, 0);
        OptimizerKernels kernels = kernels();
        Adam probe = Adam.builder().build();
        probe.bind(manager);
        // Straight to the kernel: a float64 tensor is not its business, and nothing may change.
        float[] before = weight.toType(DataType.FLOAT32, true).toFloatArray();
        NDArray m = manager.zeros(weight.getShape(), DataType.FLOAT64);
        NDArray v = manager.zeros(weight.getShape(), DataType.FLOAT64);
        assertFalse(kernels.adam(new OptimizerKernels.AdamStep(List.of(weight), List.of(m), List.of(v),
                new float[] {0.01f}, new float[] {0.03f}, 0.9f, 0.999f, 1e-8f, 0f, 1e-3f, false)));
        float[] after = weight.toType(DataType.FLOAT32, true).toFloatArray();
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 0f);
        }
        // Through the optimizer, the step still happens (on DJL's kernel).
        Adam adam = Adam.builder().lr(0.1f).build();
        adam.bind(manager);
        adam.useKernels(kernels);
        adam.step(block.getParameters());
        float[] stepped = weight.toType(DataType.FLOAT32, true).toFloatArray();
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i] - 0.1f * Math.signum(coefficient(0, i)), stepped[i], 1e-5, "weight[" + i + "]");
        }
    }
}
