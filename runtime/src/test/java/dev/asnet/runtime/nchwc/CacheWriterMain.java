package dev.asnet.runtime.nchwc;

import java.nio.file.Path;

/** A second process for {@link NchwcCacheTest}: writes one cache entry over and over. */
public final class CacheWriterMain {
    private CacheWriterMain() {}

    /**
     * Writes the entry.
     *
     * @param args the cache folder, the key, the number of writes
     * @throws Exception if a write fails
     */
    public static void main(String[] args) throws Exception {
        NchwcCache cache = new NchwcCache(Path.of(args[0]));
        CacheKey key = new CacheKey(args[1]);
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            cache.write(key, NchwcCacheTest.entry());
        }
    }
}
