package dev.asnet.runtime.vision;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** Child-process entry point for {@link ImageLimitsTest}: decodes one file without a pixel limit. */
public final class DecodeMain {
    private DecodeMain() {}

    /**
     * Decodes the file and prints the outcome.
     *
     * @param args the image file
     */
    public static void main(String[] args) {
        try {
            BufferedImage img = ImageFiles.read(Path.of(args[0]), Long.MAX_VALUE);
            System.out.println("decoded " + img.getWidth() + "x" + img.getHeight());
        } catch (Throwable t) {
            System.out.println("failed: " + t);
        }
    }
}
