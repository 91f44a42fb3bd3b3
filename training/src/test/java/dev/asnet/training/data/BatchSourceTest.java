package dev.asnet.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.asnet.runtime.dataset.IdxImages;
import dev.asnet.runtime.dataset.LabeledImages;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchSourceTest {
    /** Three 4x3 images whose pixel value encodes (image, row, column). */
    private static BatchSource source() {
        byte[] px = new byte[3 * 12];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i + 1);
        }
        return new BatchSource(new LabeledImages(new IdxImages(3, 4, 3, px), new int[] {7, 8, 9},
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")), 0.5f, 0.25f);
    }

    @Test
    void permutationsAreSeededPermutations() {
        BatchSource s = source();
        int[] a = s.permutation(3, 0);
        assertArrayEquals(a, s.permutation(3, 0));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2}, sorted);
        boolean differs = false;
        for (int e = 1; e < 20 && !differs; e++) {
            differs = !Arrays.equals(a, s.permutation(3, e));
        }
        assertEquals(true, differs, "epochs shuffle differently");
    }

    @Test
    void noAugmentationNormalizesAndLabels() throws Exception {
        BatchSource s = source();
        FloatBuffer img = FloatBuffer.allocate(2 * 12);
        LongBuffer lab = LongBuffer.allocate(2);
        s.fill(new int[] {2, 0}, 0, 2, Augmentation.none(), 0, img, lab);
        assertEquals(((25 / 255f) - 0.5f) / 0.25f, img.get(0), 1e-6);
        assertEquals(((1 / 255f) - 0.5f) / 0.25f, img.get(12), 1e-6);
        assertEquals(9, lab.get(0));
        assertEquals(7, lab.get(1));
    }

    @Test
    void augmentationIsDeterministicPerSeedAndStaysInBounds() throws Exception {
        BatchSource s = source();
        Augmentation aug = new Augmentation(2, true);
        FloatBuffer a = FloatBuffer.allocate(36);
        FloatBuffer b = FloatBuffer.allocate(36);
        s.fill(new int[] {0, 1, 2}, 0, 3, aug, 42, a, null);
        s.fill(new int[] {0, 1, 2}, 0, 3, aug, 42, b, null);
        assertArrayEquals(a.array(), b.array());
        boolean changed = false;
        for (long seed = 0; seed < 10 && !changed; seed++) {
            FloatBuffer c = FloatBuffer.allocate(36);
            s.fill(new int[] {0, 1, 2}, 0, 3, aug, seed, c, null);
            changed = !Arrays.equals(a.array(), c.array());
        }
        assertEquals(true, changed, "different seeds crop or flip differently");
        float zero = (0f - 0.5f) / 0.25f;
        for (float v : a.array()) {
            assertFalse(v < zero - 1e-6 || v > (1f - 0.5f) / 0.25f + 1e-6, "value " + v);
        }
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, false));
    }

    @Test
    void flipMirrorsColumns() throws Exception {
        BatchSource s = source();
        // Find a seed whose draw flips the first image (pad 0: only the flip is random).
        for (long seed = 0; seed < 50; seed++) {
            FloatBuffer f = FloatBuffer.allocate(12);
            s.fill(new int[] {0}, 0, 1, new Augmentation(0, true), seed, f, null);
            if (f.get(0) != ((1 / 255f) - 0.5f) / 0.25f) {
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(((r * 3 + (2 - c) + 1) / 255f - 0.5f) / 0.25f, f.get(r * 3 + c), 1e-6);
                    }
                }
                return;
            }
        }
        throw new AssertionError("no seed flipped in 50 draws");
    }
}
