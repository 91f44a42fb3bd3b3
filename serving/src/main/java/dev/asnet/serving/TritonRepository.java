package dev.asnet.serving;

import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.ops.AsnetOps;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.ValueSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a Triton Inference Server model repository for asnet models: per model
 * {@code NAME/config.pbtxt} (the {@code onnxruntime} backend, inputs and outputs from the model,
 * {@code max_batch_size} and {@code dynamic_batching} from the serving settings) and
 * {@code NAME/1/model.onnx}; and, when a model uses the {@code dev.asnet} ops, the op library
 * {@value #OP_LIBRARY} at the repository's top, which each such config registers with
 * {@code model_operations { op_library_filename: ... }} (Triton's onnxruntime backend loads custom
 * ops that way, per model).
 *
 * <p>The repository is written into a temporary folder next to the target and moved into place
 * in one step, so a reader never sees half of it. An existing non-empty target is refused unless
 * overwriting is asked for, and even then only a repository this class wrote (it holds the marker
 * file {@value #MARKER}) is replaced: a typo never deletes someone's folder.
 *
 * <p>asnet writes these files but does not run Triton: the layout follows Triton's documented
 * model configuration, untested against a Triton server here.
 */
public final class TritonRepository {
    /** The op library's file name in the repository. */
    public static final String OP_LIBRARY = "libasnet_ops.so";
    /** The marker file that identifies a repository asnet wrote (and may replace). */
    public static final String MARKER = ".asnet-triton-repository";

    private static final SecureRandom RANDOM = new SecureRandom();

    private TritonRepository() {}

    /**
     * What to write.
     *
     * @param models the {@code .onnx} files; each becomes a model named as the file without {@code .onnx}
     * @param maxBatch Triton's {@code max_batch_size}; above 1 also turns on {@code dynamic_batching}
     * @param maxDelayMicros {@code dynamic_batching.max_queue_delay_microseconds}
     * @param queue {@code default_queue_policy.max_queue_size}
     * @param threads the onnxruntime backend's {@code intra_op_thread_count}, or 0 to leave it to Triton
     * @param opLibraryPath the op library's path as Triton will see it (inside a container, say), or
     *     null for the absolute path of the copy written into the repository
     */
    public record Settings(List<Path> models, int maxBatch, long maxDelayMicros, int queue, int threads,
            String opLibraryPath) {
        /** Checks the values. */
        public Settings {
            models = List.copyOf(models);
            if (models.isEmpty()) {
                throw new IllegalArgumentException("no model given: name at least one .onnx file");
            }
            if (maxBatch < 1 || queue < 1 || maxDelayMicros < 0 || threads < 0) {
                throw new IllegalArgumentException("maxBatch and queue must be >= 1, maxDelayMicros and threads >= 0");
            }
        }
    }

    /**
     * Writes the repository.
     *
     * @param dir the repository folder; must be absent or empty unless {@code overwrite}
     * @param settings what to write
     * @param overwrite whether to replace a repository asnet wrote before
     * @return the model names written, each with its config text
     * @throws IllegalArgumentException if two models have the same name or a name is not usable
     * @throws IOException if {@code dir} exists and may not be replaced, a model cannot be read, or
     *     writing fails (the target is then left as it was)
     */
    public static Map<String, String> write(Path dir, Settings settings, boolean overwrite) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path target = dir.toAbsolutePath().normalize();
        boolean replace = checkTarget(target, overwrite);
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new java.nio.file.NoSuchFileException(String.valueOf(parent), null,
                    "the repository's parent folder does not exist");
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (Path f : settings.models()) {
            String name = ServedModel.nameOf(f);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException(f + ": the model name '" + name + "' must be letters, digits, "
                        + "'.', '_' and '-'");
            }
            Path before = files.putIfAbsent(name, f);
            if (before != null) {
                throw new IllegalArgumentException("two models would both be named '" + name + "' (" + before
                        + " and " + f + "); rename one");
            }
        }
        Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + Long.toUnsignedString(RANDOM.nextLong(), 36));
        Files.createDirectory(tmp);
        Map<String, String> configs = new LinkedHashMap<>();
        try {
            boolean needsOps = false;
            for (Map.Entry<String, Path> e : files.entrySet()) {
                ModelDescription d = ModelDescription.read(e.getValue());
                needsOps |= d.importsDomain(AsnetDomain.DOMAIN);
            }
            String opLibrary = settings.opLibraryPath() != null ? settings.opLibraryPath()
                    : target.resolve(OP_LIBRARY).toString();
            if (needsOps) {
                Files.copy(AsnetOps.libraryPath(), tmp.resolve(OP_LIBRARY));
            }
            for (Map.Entry<String, Path> e : files.entrySet()) {
                ModelDescription d = ModelDescription.read(e.getValue());
                String config = config(e.getKey(), e.getValue(), d, settings,
                        d.importsDomain(AsnetDomain.DOMAIN) ? opLibrary : null);
                Path modelDir = Files.createDirectories(tmp.resolve(e.getKey()).resolve("1"));
                Files.copy(e.getValue(), modelDir.resolve("model.onnx"));
                Files.writeString(tmp.resolve(e.getKey()).resolve("config.pbtxt"), config, StandardCharsets.UTF_8);
                configs.put(e.getKey(), config);
            }
            Files.writeString(tmp.resolve(MARKER), "Written by asnet (asnet serve --triton-repo); "
                    + "asnet serve --triton-repo --overwrite may replace this folder.\n", StandardCharsets.UTF_8);
            install(tmp, target, replace);
        } catch (IOException | RuntimeException | Error e) {
            deleteTree(tmp);
            throw e;
        }
        return configs;
    }

    /**
     * Checks the target; returns whether an existing repository is to be replaced.
     */
    private static boolean checkTarget(Path target, boolean overwrite) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "exists and is not a folder; give a new or empty folder for the Triton repository");
        }
        if (isEmpty(target)) {
            return true;
        }
        if (!overwrite) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "exists and is not empty; give a new folder, or --overwrite to replace a repository asnet wrote");
        }
        if (!Files.isRegularFile(target.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "is not a Triton repository written by "
                    + "asnet (it has no " + MARKER + " file), so --overwrite does not replace it");
        }
        return true;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    /** Moves the finished folder into place; an existing one is moved aside first and deleted after. */
    private static void install(Path tmp, Path target, boolean replace) throws IOException {
        Path old = null;
        if (replace) {
            old = target.resolveSibling("." + target.getFileName() + ".old-"
                    + Long.toUnsignedString(RANDOM.nextLong(), 36));
            move(target, old);
        }
        try {
            move(tmp, target);
        } catch (IOException e) {
            if (old != null) {
                move(old, target);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a folder this class created, never following links out of it. */
    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.getLogger(TritonRepository.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete the temporary folder " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The {@code config.pbtxt} of one model.
     *
     * @param name the model's name
     * @param file its file, named in the header comment
     * @param d its description
     * @param s the settings
     * @param opLibrary the op library path to register, or null when the model needs none
     * @return the text
     * @throws InvalidModelException if an input or output has no free batch dimension
     */
    static String config(String name, Path file, ModelDescription d, Settings s, String opLibrary)
            throws InvalidModelException {
        StringBuilder b = new StringBuilder();
        b.append("# Generated by asnet (asnet serve --triton-repo) from ").append(file.getFileName())
                .append(".\n# Written by asnet, not run by it: check with your Triton server.\n");
        b.append("name: ").append(quote(name)).append('\n');
        b.append("backend: \"onnxruntime\"\n");
        b.append("max_batch_size: ").append(s.maxBatch()).append('\n');
        tensors(b, "input", d.inputs(), d.source());
        tensors(b, "output", d.outputs(), d.source());
        if (s.maxBatch() > 1) {
            b.append("dynamic_batching {\n  max_queue_delay_microseconds: ").append(s.maxDelayMicros())
                    .append("\n  default_queue_policy {\n    max_queue_size: ").append(s.queue()).append("\n  }\n}\n");
        }
        b.append("instance_group [\n  {\n    count: 1\n    kind: KIND_CPU\n  }\n]\n");
        if (opLibrary != null) {
            b.append("model_operations {\n  op_library_filename: ").append(quote(opLibrary)).append("\n}\n");
        }
        if (s.threads() > 0) {
            b.append("parameters {\n  key: \"intra_op_thread_count\"\n  value: { string_value: \"")
                    .append(s.threads()).append("\" }\n}\n");
        }
        return b.toString();
    }

    private static void tensors(StringBuilder b, String kind, List<ValueSpec> values, String source)
            throws InvalidModelException {
        b.append(kind).append(" [\n");
        for (int i = 0; i < values.size(); i++) {
            ValueSpec v = values.get(i);
            if (!v.hasDynamicBatch()) {
                throw new InvalidModelException(source + ": " + kind + " '" + v.name() + "' " + v.shapeText()
                        + " has no free batch dimension, which Triton's batching needs");
            }
            long[] dims = v.dims();
            b.append("  {\n    name: ").append(quote(v.name())).append("\n    data_type: TYPE_")
                    .append(tritonType(ServedModel.datatype(v.elementType()))).append("\n    dims: [ ");
            for (int j = 1; j < dims.length; j++) {
                b.append(j > 1 ? ", " : "").append(dims[j]);
            }
            b.append(dims.length > 1 ? " ]\n" : "]\n").append("  }").append(i + 1 < values.size() ? "," : "").append('\n');
        }
        b.append("]\n");
    }

    /** Triton's TYPE_ names match the v2 datatypes except BYTES, which is TYPE_STRING. */
    private static String tritonType(String v2) {
        return v2.equals("BYTES") ? "STRING" : v2;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
