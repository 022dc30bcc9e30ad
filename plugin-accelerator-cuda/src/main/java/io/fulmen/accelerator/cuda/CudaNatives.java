package io.fulmen.accelerator.cuda;

/**
 * How to give DJL a CUDA build of libtorch. DJL 0.36's CUDA natives ({@code ai.djl.pytorch:pytorch-native-cu128}) are
 * not on Maven Central, and the CPU build Fulmen depends on is what DJL loads otherwise. DJL's {@code LibUtils} looks
 * first at {@code PYTORCH_LIBRARY_PATH} (a folder holding {@code libtorch.so}); with {@code PYTORCH_FLAVOR=cu128}
 * and {@code PYTORCH_VERSION=2.7.1} it takes the matching JNI library from {@code pytorch-jni-2.7.1-0.36.0.jar}
 * ({@code jnilib/linux-x86_64/cu128/libdjl_torch.so}), so only libtorch itself must be provided.
 */
final class CudaNatives {
    /** The fix, for availability reasons and errors. */
    static final String FIX = "To train on GPUs, give DJL a CUDA build of libtorch 2.7.1 (DJL's pytorch-native-cu128 "
            + "is not on Maven Central): unpack https://download.pytorch.org/libtorch/cu128/"
            + "libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip (or use the torch/lib folder of a pip "
            + "torch==2.7.1+cu128) and set PYTORCH_LIBRARY_PATH=<libtorch>/lib (the folder holding libtorch.so), "
            + "PYTORCH_VERSION=2.7.1 and PYTORCH_FLAVOR=cu128 (DJL then uses the cu128 JNI library inside "
            + "pytorch-jni-2.7.1-0.36.0.jar); or, where publish.djl.ai is reachable, set PYTORCH_FLAVOR=cu128, "
            + "leave pytorch-native-cpu off the class path and ai.djl.offline unset, and DJL downloads it into "
            + "~/.djl.ai/pytorch";

    private CudaNatives() {}
}
