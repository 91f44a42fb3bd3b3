package dev.asnet.runtime.nchwc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-machine cache: verified reads, rebuilt bad entries, safe concurrent writers. */
class NchwcCacheTest {
    private static final CacheKey KEY = CacheKey.of(new byte[] {1, 2, 3}, "1.29.0", "lib", 16, "cpu");

    @TempDir
    Path dir;

    static NchwcCache.Entry entry() {
        byte[] model = new byte[200_000];
        for (int i = 0; i < model.length; i++) {
            model[i] = (byte) (i * 31);
        }
        return new NchwcCache.Entry(true, model, "rewrote 9 ActiveShift nodes");
    }

    @Test
    void keyDependsOnEveryPart() {
        byte[] m = {1, 2, 3};
        CacheKey k = CacheKey.of(m, "1.29.0", "lib", 16, "cpu");
        assertEquals(k, CacheKey.of(m.clone(), "1.29.0", "lib", 16, "cpu"));
        assertFalse(k.equals(CacheKey.of(new byte[] {1, 2, 4}, "1.29.0", "lib", 16, "cpu")));
        assertFalse(k.equals(CacheKey.of(m, "1.30.0", "lib", 16, "cpu")));
        assertFalse(k.equals(CacheKey.of(m, "1.29.0", "lib2", 16, "cpu")));
        assertFalse(k.equals(CacheKey.of(m, "1.29.0", "lib", 8, "cpu")));
        assertFalse(k.equals(CacheKey.of(m, "1.29.0", "lib", 16, "cpu avx2")));
    }

    @Test
    void roundTrip() throws Exception {
        NchwcCache cache = new NchwcCache(dir);
        assertNull(cache.read(KEY).entry());
        assertNull(cache.read(KEY).problem());
        cache.write(KEY, entry());
        NchwcCache.Lookup l = cache.read(KEY);
        assertArrayEquals(entry().model(), l.entry().model());
        assertEquals("rewrote 9 ActiveShift nodes", l.entry().summary());
        cache.write(KEY, new NchwcCache.Entry(false, new byte[0], "nothing"));
        assertFalse(cache.read(KEY).entry().rewritten());
    }

    @Test
    void corruptedEntriesAreRefused() throws Exception {
        NchwcCache cache = new NchwcCache(dir);
        cache.write(KEY, entry());
        Path f = cache.file(KEY);
        byte[] good = Files.readAllBytes(f);
        byte[] flipped = good.clone();
        flipped[flipped.length - 100] ^= 1;
        Files.write(f, flipped);
        assertTrue(cache.read(KEY).problem().contains("checksum"), cache.read(KEY).problem());
        Files.write(f, java.util.Arrays.copyOf(good, good.length - 1));
        assertTrue(cache.read(KEY).problem().contains("model bytes"), cache.read(KEY).problem());
        Files.write(f, "garbage".getBytes());
        assertNotNull(cache.read(KEY).problem());
        Files.write(f, new byte[0]);
        assertNotNull(cache.read(KEY).problem());
        assertNull(cache.read(KEY).entry());
    }

    @Test
    void staleEntriesAreRefused() throws Exception {
        NchwcCache cache = new NchwcCache(dir);
        CacheKey other = CacheKey.of(new byte[] {9}, "1.29.0", "lib", 16, "cpu");
        cache.write(other, entry());
        // An entry under the wrong name (copied, or from an old key recipe) holds another key.
        Files.copy(cache.file(other), cache.file(KEY));
        assertTrue(cache.read(KEY).problem().contains("stale"), cache.read(KEY).problem());
    }

    @Test
    void folderComesFromTheOptionsFirst() {
        RuntimeOptions o = RuntimeOptions.builder().optNchwcCacheDir(dir).build();
        assertEquals(dir.toAbsolutePath().normalize(), NchwcCache.forOptions(o).folder());
        String old = System.getProperty(NchwcCache.FOLDER_PROPERTY);
        try {
            System.setProperty(NchwcCache.FOLDER_PROPERTY, dir.resolve("p").toString());
            assertEquals(dir.resolve("p").toAbsolutePath(), NchwcCache.forOptions(RuntimeOptions.defaults()).folder());
        } finally {
            if (old == null) {
                System.clearProperty(NchwcCache.FOLDER_PROPERTY);
            } else {
                System.setProperty(NchwcCache.FOLDER_PROPERTY, old);
            }
        }
    }

    @Test
    void concurrentThreadsAndAProcessNeverLeaveAPartialEntry() throws Exception {
        NchwcCache cache = new NchwcCache(dir);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CacheWriterMain.class.getName(),
                dir.toString(), KEY.hex(), "40").redirectErrorStream(true).start();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        cache.write(KEY, entry());
                    }
                    return null;
                }));
            }
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    NchwcCache.Lookup l = cache.read(KEY);
                    // Absent or whole: never a refused (partial) entry.
                    assertNull(l.problem());
                    if (l.entry() != null) {
                        assertArrayEquals(entry().model(), l.entry().model());
                    }
                }
                return null;
            }));
            for (Future<?> f : jobs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes()));
        assertArrayEquals(entry().model(), cache.read(KEY).entry().model());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(cache.file(KEY)), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void rewriteIsCachedAndBadEntriesAreRebuilt() throws Exception {
        NchwcTestModels.blockSizeOrSkip();
        byte[] model = NchwcTestModels.zoo("as-resnet20-16x1", 1, 28);
        ModelProto proto = ModelProto.parseFrom(model);
        NchwcCache cache = new NchwcCache(dir);
        NchwcRewrite.Outcome first = NchwcRewrite.rewriteCached(model, proto, "m", cache);
        assertEquals(NchwcRewrite.Status.REWRITTEN, first.status(), first.message());
        assertFalse(first.fromCache());
        NchwcRewrite.Outcome second = NchwcRewrite.rewriteCached(model, proto, "m", cache);
        assertTrue(second.fromCache());
        assertArrayEquals(first.model(), second.model());
        try (var files = Files.list(dir)) {
            Path f = files.findFirst().orElseThrow();
            byte[] b = Files.readAllBytes(f);
            b[b.length / 2] ^= 0x55;
            Files.write(f, b);
        }
        NchwcRewrite.Outcome rebuilt = NchwcRewrite.rewriteCached(model, proto, "m", cache);
        assertFalse(rebuilt.fromCache(), "a corrupt entry is rebuilt, not used");
        // ONNX Runtime names some nodes differently from run to run: compare the ops, not the bytes.
        assertEquals(NchwcTestModels.ops(ModelProto.parseFrom(first.model())),
                NchwcTestModels.ops(ModelProto.parseFrom(rebuilt.model())));
        assertTrue(NchwcRewrite.rewriteCached(model, proto, "m", cache).fromCache());
        ModelProto m = ModelProto.parseFrom(second.model());
        assertTrue(m.getMetadataPropsList().stream().anyMatch(e -> e.getKey().equals(NchwcRewrite.MACHINE_SPECIFIC)));
    }

    @Test
    void modelsWithNothingToRewriteAreCachedAsUnchanged() throws Exception {
        NchwcTestModels.blockSizeOrSkip();
        byte[] model = NchwcTestModels.small("asl_in",
                (g, x) -> NchwcTestModels.conv(g, "c1", NchwcTestModels.asl(g, "s1", x, 1)));
        ModelProto proto = ModelProto.parseFrom(model);
        NchwcCache cache = new NchwcCache(dir);
        NchwcRewrite.Outcome first = NchwcRewrite.rewriteCached(model, proto, "m", cache);
        assertEquals(NchwcRewrite.Status.UNCHANGED, first.status(), first.message());
        assertArrayEquals(model, first.model());
        NchwcRewrite.Outcome second = NchwcRewrite.rewriteCached(model, proto, "m", cache);
        assertTrue(second.fromCache());
        assertEquals(NchwcRewrite.Status.UNCHANGED, second.status());
        assertArrayEquals(model, second.model());
    }

    @Test
    void theRewriteCodeIsPartOfTheKey() {
        String h = RewriteCode.hash();
        assertTrue(h.matches("[0-9a-f]{64}"), h);
        assertEquals(h, RewriteCode.hash());
    }
}
