package dev.asnet.ops;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The one place asnet creates ONNX Runtime's {@link OrtEnvironment}: use {@link #get()} instead of
 * {@code OrtEnvironment.getEnvironment()}.
 *
 * <p>Why: ONNX Runtime 1.29's Linux telemetry initializes when the environment is first created,
 * on the calling thread, and processes {@code /proc/self/cmdline} there with stack use that grows
 * with the command line's length (measured: about 200-330 bytes of stack per byte of command
 * line). A JVM's main thread has a 1 MiB stack by default (8 MiB for a thread the launcher does
 * not make), so a command line above about 4 KB, such as a long class path, kills the JVM with
 * SIGSEGV (exit code 139, no {@code hs_err} file, no Java exception). This class performs the first
 * creation on a dedicated thread whose stack is sized from the actual command line (at least
 * {@value #MIN_STACK_MIB} MiB, which covers command lines up to about 200 KB) and waits for it.
 * Once the environment exists, ONNX Runtime does not parse the command line again, so every later
 * call, on any thread, is safe.
 *
 * <p>Setting the environment variable {@code ORT_DISABLE_TELEMETRY=1} before the JVM starts avoids
 * the crash too (ONNX Runtime then never initializes its telemetry); the {@code asnet} launcher
 * does that. A JVM cannot set its own environment variables, which is why the library relies on
 * the large stack instead.
 *
 * <p>The environment is per process: the first call decides the logging level, later calls return
 * the same environment whatever level they name (without ONNX Runtime's warning about a changed
 * level).
 */
public final class OrtEnvironments {
    /** The smallest stack the creating thread gets, in MiB. */
    public static final int MIN_STACK_MIB = 64;
    /** Stack bytes reserved per byte of command line: about twice the use measured with ORT 1.29. */
    private static final long STACK_PER_CMDLINE_BYTE = 512;
    /**
     * Upper bound for the stack: Linux limits the whole argument list to a quarter of the stack
     * rlimit (2 MiB by default), so 1 GiB covers any command line the kernel accepts by default. A
     * thread stack is reserved address space; only the pages ONNX Runtime touches use memory.
     */
    private static final long MAX_STACK = 1L << 30;

    private static OrtEnvironment environment;

    private OrtEnvironments() {}

    /**
     * The process's ONNX Runtime environment, created on first use with logging level WARNING.
     *
     * @return the environment
     * @throws IllegalStateException if ONNX Runtime cannot create it (as
     *     {@link OrtEnvironment#getEnvironment()})
     * @throws UnsatisfiedLinkError if ONNX Runtime's native library cannot be loaded
     */
    public static OrtEnvironment get() {
        return get(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING);
    }

    /**
     * The process's ONNX Runtime environment; when this call creates it, ONNX Runtime logs at the
     * given level (later calls cannot change the level).
     *
     * @param level the logging level for a newly created environment
     * @return the environment
     * @throws IllegalStateException if ONNX Runtime cannot create it
     * @throws UnsatisfiedLinkError if ONNX Runtime's native library cannot be loaded
     */
    public static synchronized OrtEnvironment get(OrtLoggingLevel level) {
        Objects.requireNonNull(level, "level");
        if (environment == null) {
            environment = createOnLargeStack(level);
        }
        return environment;
    }

    /**
     * The stack size {@link #get()} gives the thread that creates the environment, for the
     * current process's command line.
     *
     * @return the size in bytes
     */
    public static long creationStackSize() {
        return stackSizeFor(commandLineLength());
    }

    /**
     * The stack size for a command line of a given length: {@value #MIN_STACK_MIB} MiB, or 512
     * bytes per byte of command line when that is more, at most 1 GiB.
     *
     * @param commandLineBytes the length of {@code /proc/self/cmdline}, or -1 if unknown
     * @return the size in bytes
     */
    static long stackSizeFor(long commandLineBytes) {
        long min = (long) MIN_STACK_MIB << 20;
        if (commandLineBytes <= 0) {
            return min;
        }
        long wanted = commandLineBytes > MAX_STACK / STACK_PER_CMDLINE_BYTE ? MAX_STACK
                : commandLineBytes * STACK_PER_CMDLINE_BYTE;
        return Math.max(min, Math.min(MAX_STACK, wanted));
    }

    /** The length of this process's command line as ONNX Runtime reads it, or -1 if unknown. */
    private static long commandLineLength() {
        Path cmdline = Path.of("/proc/self/cmdline");
        if (!Files.isReadable(cmdline)) {
            return -1;
        }
        // procfs reports size 0, so count the bytes.
        try (InputStream in = Files.newInputStream(cmdline)) {
            long n = 0;
            byte[] buf = new byte[8192];
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static OrtEnvironment createOnLargeStack(OrtLoggingLevel level) {
        OrtEnvironment[] created = new OrtEnvironment[1];
        Throwable[] failure = new Throwable[1];
        Runnable create = () -> {
            try {
                created[0] = OrtEnvironment.getEnvironment(level);
            } catch (Throwable t) {
                failure[0] = t;
            }
        };
        Thread thread = new Thread(null, create, "asnet-ort-environment", creationStackSize());
        thread.setDaemon(true);
        thread.start();
        // ONNX Runtime's initialization cannot be abandoned half-way (and this method holds the
        // class lock), so wait for it even when interrupted and restore the interrupt afterwards.
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure[0];
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException("cannot create the ONNX Runtime environment: " + t, t);
        }
        return created[0];
    }
}
