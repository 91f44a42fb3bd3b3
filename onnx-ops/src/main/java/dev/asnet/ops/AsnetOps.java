package dev.asnet.ops;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads the asnet custom-op library into ONNX Runtime.
 *
 * <p>The native library is bundled in this jar under {@code dev/asnet/ops/native/<platform>/}. The
 * first call to {@link #libraryPath()} copies it once per process into a fresh directory only this
 * user can read, so concurrent JVMs and threads never see a half-written file. Set the system
 * property {@value #LIBRARY_PROPERTY} (or the environment variable {@value #LIBRARY_ENV}) to use a
 * library built elsewhere, for example one with CUDA kernels.
 *
 * <pre>{@code
 * try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
 *     AsnetOps.register(options);
 *     try (OrtSession session = env.createSession("as-resnet.onnx", options)) { ... }
 * }
 * }</pre>
 *
 * Keep the options open while sessions created from them live: closing them unloads the library.
 */
public final class AsnetOps {
    /** System property naming a library file to use instead of the bundled one. */
    public static final String LIBRARY_PROPERTY = "asnet.ops.library";
    /** Environment variable naming a library file to use instead of the bundled one. */
    public static final String LIBRARY_ENV = "ASNET_OPS_LIBRARY";
    private static final String LIBRARY_FILE = "libasnet_ops.so";

    private static Path extracted;

    private AsnetOps() {}

    /**
     * The platform folder this JVM needs, such as {@code linux-x64}.
     *
     * @return the platform name
     */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.replace(' ', '_');
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
        return osName + "-" + archName;
    }

    /**
     * Path of the native library to register: the override if one is set, otherwise the bundled
     * library, extracted on first use.
     *
     * @return an absolute path to a readable library file
     * @throws IOException if the override does not exist, this platform has no bundled library,
     *     or extraction fails
     */
    public static synchronized Path libraryPath() throws IOException {
        String override = System.getProperty(LIBRARY_PROPERTY, System.getenv(LIBRARY_ENV));
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override).toAbsolutePath();
            if (!Files.isReadable(p)) {
                throw new IOException("asnet ops library set by " + LIBRARY_PROPERTY + "/" + LIBRARY_ENV
                        + " not found: " + p);
            }
            return p;
        }
        if (extracted == null || !Files.exists(extracted)) {
            extracted = extract();
        }
        return extracted;
    }

    /**
     * Registers the asnet ops with session options.
     *
     * @param options the options sessions using {@code dev.asnet} ops will be created with
     * @throws IOException if the library cannot be found or extracted
     * @throws OrtException if ONNX Runtime refuses the library (for example a runtime older than
     *     the library's API version)
     */
    public static void register(OrtSession.SessionOptions options) throws IOException, OrtException {
        options.registerCustomOpLibrary(libraryPath().toString());
    }

    private static Path extract() throws IOException {
        String resource = "native/" + platform() + "/" + LIBRARY_FILE;
        try (InputStream in = AsnetOps.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("asnet ops: no native library for platform " + platform()
                        + " in this jar (built for linux-x64); build it on this platform or set -D"
                        + LIBRARY_PROPERTY + "=/path/to/" + LIBRARY_FILE);
            }
            Path dir = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempDirectory("asnet-ops-",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory("asnet-ops-");
            Path tmp = dir.resolve(LIBRARY_FILE + ".part");
            Path lib = dir.resolve(LIBRARY_FILE);
            Files.copy(in, tmp);
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
            // Linux keeps a loaded library mapped after its file is deleted.
            dir.toFile().deleteOnExit();
            lib.toFile().deleteOnExit();
            return lib;
        }
    }
}
