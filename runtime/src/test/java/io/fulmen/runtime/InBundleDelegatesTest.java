package io.fulmen.runtime;

import io.fulmen.callback.Callback;
import io.fulmen.spi.Accelerator;
import io.fulmen.spi.CheckpointIO;
import io.fulmen.spi.ExperimentLogger;
import io.fulmen.spi.Precision;
import io.fulmen.spi.Strategy;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every SPI method of every bundle delegate runs with the bundle's class loader as the context class loader and
 * restores the caller's afterwards, also when it throws; the switch costs a few nanoseconds and allocates nothing.
 */
class InBundleDelegatesTest {
    private static final ClassLoader BUNDLE = new ClassLoader(null) {};

    private record Spi<T>(Class<T> type, BiFunction<T, ClassLoader, T> delegate) {}

    private static final List<Spi<?>> SPIS = List.of(
            new Spi<>(Accelerator.class, InBundleAccelerator::new),
            new Spi<>(Strategy.class, InBundleStrategy::new),
            new Spi<>(Precision.class, InBundlePrecision::new),
            new Spi<>(CheckpointIO.class, InBundleCheckpointIO::new),
            new Spi<>(ExperimentLogger.class, InBundleLogger::new),
            new Spi<>(Callback.class, InBundleCallback::new));

    /** A component of {@code type} that records the context class loader of each call, then answers or throws. */
    private static <T> T recording(Class<T> type, List<String> calls, RuntimeException toThrow) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("toString") ? "recording" : m.invoke(calls, args);
            }
            calls.add(m.getName() + (Thread.currentThread().getContextClassLoader() == BUNDLE ? "" : " OUTSIDE"));
            if (toThrow != null) {
                throw toThrow;
            }
            return defaultValue(m.getReturnType());
        }));
    }

    private static Object defaultValue(Class<?> type) {
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        return type == boolean.class ? Boolean.FALSE : type == double.class ? 0.0 : type == float.class ? 0f
                : type == long.class ? 0L : type == int.class ? 0 : type == short.class ? (short) 0
                : type == byte.class ? (byte) 0 : (Object) '\0';
    }

    private static List<Method> spiMethods(Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
                out.add(m);
            }
        }
        return out;
    }

    private static Object[] defaults(Method m) {
        Object[] args = new Object[m.getParameterCount()];
        for (int i = 0; i < args.length; i++) {
            args[i] = defaultValue(m.getParameterTypes()[i]);
        }
        return args;
    }

    @Test
    void everyMethodOfEverySpiIsDelegatedInsideTheBundlesLoader() throws Exception {
        for (Spi<?> spi : SPIS) {
            checkDelegation(spi);
        }
    }

    private static <T> void checkDelegation(Spi<T> spi) throws Exception {
        List<String> calls = new ArrayList<>();
        T wrapped = spi.delegate().apply(recording(spi.type(), calls, null), BUNDLE);
        ClassLoader outside = Thread.currentThread().getContextClassLoader();
        for (Method m : spiMethods(spi.type())) {
            assertEquals(wrapped.getClass(), wrapped.getClass().getMethod(m.getName(), m.getParameterTypes())
                    .getDeclaringClass(), wrapped.getClass().getSimpleName() + " must override " + m
                    + " (a default method left alone would run outside the bundle's loader)");
            calls.clear();
            m.invoke(wrapped, defaults(m));
            assertEquals(List.of(m.getName()), calls, spi.type().getSimpleName() + "." + m.getName());
            assertSame(outside, Thread.currentThread().getContextClassLoader(), "restored after " + m);
        }
    }

    @Test
    void aCallThatThrowsRestoresTheCallersLoader() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        List<String> calls = new ArrayList<>();
        ExperimentLogger logger = new InBundleLogger(recording(ExperimentLogger.class, calls, boom), BUNDLE);
        ClassLoader outside = Thread.currentThread().getContextClassLoader();
        Method logMetrics = ExperimentLogger.class.getMethod("logMetrics", java.util.Map.class, long.class);
        try {
            logMetrics.invoke(logger, java.util.Map.of(), 1L);
            fail("the delegate's exception must reach the caller");
        } catch (InvocationTargetException e) {
            assertSame(boom, e.getCause());
        }
        assertEquals(List.of("logMetrics"), calls);
        assertSame(outside, Thread.currentThread().getContextClassLoader());
    }

    /** The switch on the per-step path: measured against a direct call, printed, and bounded loosely. */
    @Test
    void theSwitchCostsNanosecondsAndAllocatesNothing() {
        Precision plain = new Precision() {
            private long steps;

            @Override
            public String name() {
                return "plain";
            }

            @Override
            public void afterOptimizerStep(boolean stepped) {
                steps += stepped ? 1 : 0;
            }
        };
        Precision wrapped = new InBundlePrecision(plain, BUNDLE);
        int n = 5_000_000;
        for (int round = 0; round < 3; round++) {
            loop(plain, n);
            loop(wrapped, n);
        }
        // The fastest of several rounds: a loaded machine stalls single rounds, never speeds one up.
        long direct = Long.MAX_VALUE;
        long viaDelegate = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            direct = Math.min(direct, loop(plain, n));
            viaDelegate = Math.min(viaDelegate, loop(wrapped, n));
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        loop(wrapped, n);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        double perCall = (viaDelegate - direct) / (double) n;
        System.out.printf(Locale.ROOT, "bundle delegate: direct %.2f ns/call, through the delegate %.2f ns/call "
                + "(+%.2f ns), %d bytes allocated over %d calls%n", direct / (double) n, viaDelegate / (double) n,
                perCall, allocated, n);
        assertTrue(perCall < 100, "the switch costs " + perCall + " ns per call");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated over " + n + " calls");
    }

    private static long loop(Precision precision, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            precision.afterOptimizerStep((i & 1) == 0);
        }
        return System.nanoTime() - start;
    }
}
