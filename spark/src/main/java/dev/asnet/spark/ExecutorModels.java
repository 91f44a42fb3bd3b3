package dev.asnet.spark;

import ai.onnxruntime.OrtException;
import dev.asnet.runtime.AsnetModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The models open in this JVM (a Spark executor, or the driver in local mode): one
 * {@link AsnetModel} per {@link ModelKey}, opened by the first task that needs it and shared by all
 * later tasks, which run it concurrently (it is thread-safe). Opening the model registers the asnet
 * op library with its session (only for models that import {@code dev.asnet}); the library file is
 * extracted once per JVM by {@link dev.asnet.ops.AsnetOps}. The models stay open until the JVM
 * exits, when a shutdown hook closes them.
 *
 * <p>The counters are for tests and monitoring: they show that a job with many tasks opened its
 * model, and registered the op library, once.
 */
public final class ExecutorModels {
    private static final System.Logger LOG = System.getLogger(ExecutorModels.class.getName());
    /** How long the shutdown hook waits for runs still in progress before the JVM exits anyway. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private static final Map<ModelKey, Entry> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static final AtomicInteger OP_LIBRARY_REGISTRATIONS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAllBounded, "asnet-spark-close-models"));
    }

    private ExecutorModels() {}

    /** An open model and its batch classifier. */
    static final class Entry {
        final AsnetModel model;
        final BatchClassifier classifier;

        Entry(AsnetModel model, BatchClassifier classifier) {
            this.model = model;
            this.classifier = classifier;
        }
    }

    /**
     * The model for a key, opened from {@code bytes} if this JVM does not have it yet. Tasks asking
     * for the same key at once wait for one opening.
     *
     * @param key the model and session settings
     * @param bytes the model's bytes (read only when the model is opened: a broadcast is fetched then)
     * @return the open model
     * @throws ModelLoadException if the model cannot be opened
     */
    static Entry get(ModelKey key, Supplier<byte[]> bytes) {
        Entry e = MODELS.get(key);
        if (e != null) {
            return e;
        }
        return MODELS.computeIfAbsent(key, k -> open(k, bytes));
    }

    private static Entry open(ModelKey key, Supplier<byte[]> bytes) {
        AsnetModel model;
        try {
            model = AsnetModel.open(bytes.get(), key.runtimeOptions());
        } catch (IOException | OrtException | RuntimeException e) {
            throw new ModelLoadException("cannot open the model " + key + " on this executor: " + e.getMessage(), e);
        }
        try {
            Entry entry = new Entry(model, new BatchClassifier(model));
            LOADS.incrementAndGet();
            if (model.usesAsnetOps()) {
                OP_LIBRARY_REGISTRATIONS.incrementAndGet();
            }
            LOG.log(System.Logger.Level.INFO, "opened " + model + " for " + key);
            return entry;
        } catch (IOException | RuntimeException e) {
            closeQuietly(model);
            throw new ModelLoadException("the model " + key + " is not an image classifier: " + e.getMessage(), e);
        }
    }

    /**
     * How many models this JVM has opened since it started.
     *
     * @return the count
     */
    public static int modelLoads() {
        return LOADS.get();
    }

    /**
     * How many times this JVM has registered the asnet op library with a session: once per opened
     * model that uses the {@code dev.asnet} ops.
     *
     * @return the count
     */
    public static int opLibraryRegistrations() {
        return OP_LIBRARY_REGISTRATIONS.get();
    }

    /**
     * How many models are open in this JVM.
     *
     * @return the count
     */
    public static int openModels() {
        return MODELS.size();
    }

    /** Closes every model, waiting a bounded time: a JVM must be able to exit even with a run stuck. */
    private static void closeAllBounded() {
        Thread closer = new Thread(() -> {
            List<ModelKey> keys = new ArrayList<>(MODELS.keySet());
            for (ModelKey k : keys) {
                Entry e = MODELS.remove(k);
                if (e != null) {
                    closeQuietly(e.model);
                }
            }
        }, "asnet-spark-closer");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AsnetModel model) {
        try {
            model.close();
        } catch (OrtException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + model + " failed: " + e.getMessage());
        }
    }
}
