package io.fulmen.ddp;

import ai.djl.engine.Engine;

/**
 * Threads per rank = cores / local ranks, as Lightning sets {@code torch.set_num_threads}. Launched ranks get
 * {@code -Dai.djl.pytorch.num_threads} before their engine starts; the launching process has usually started its
 * engine already, so this sets libtorch's intra-op threads directly ({@code JniUtils.setNumThreads} of DJL's
 * PyTorch engine, looked up by name since a plugin depends on DJL's api alone).
 */
final class IntraOpThreads {
    static final String PROPERTY = "ai.djl.pytorch.num_threads";

    private IntraOpThreads() {}

    /**
     * Sets this process's intra-op threads to {@code threads} unless the user chose them ({@value #PROPERTY});
     * returns what happened, for the log.
     */
    static String apply(int threads) {
        if (System.getProperty(PROPERTY) != null) {
            return "intra-op threads left at -D" + PROPERTY + "=" + System.getProperty(PROPERTY);
        }
        try {
            Engine engine = Engine.getEngine("PyTorch");
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils", true, engine.getClass().getClassLoader());
            jni.getMethod("setNumThreads", int.class).invoke(null, threads);
            return "intra-op threads set to " + threads;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "intra-op threads not set (" + e + ")";
        }
    }
}
