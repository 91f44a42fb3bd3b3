package dev.asnet.training.data;

/**
 * Derives independent random seeds from the run seed and a position (epoch, batch). Every random
 * choice of a run is a pure function of that position, which is what makes resuming from a
 * checkpoint reproduce an uninterrupted run exactly.
 */
public final class Seeds {
    private Seeds() {}

    /**
     * Mixes values into one seed (SplitMix64 finalizer over a running hash).
     *
     * @param parts the run seed followed by position components
     * @return a well-mixed seed
     */
    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = finalize64(h ^ finalize64(p + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    private static long finalize64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
