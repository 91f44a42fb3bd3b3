package dev.asnet.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An image input size {@code C x H x W} as written on the command line ({@code 1x28x28}).
 *
 * @param channels C, 1 or 3
 * @param height H, >= 1
 * @param width W, >= 1
 */
public record InputSize(int channels, int height, int width) {
    /**
     * Parses {@code CxHxW}.
     *
     * @param text such as {@code 1x28x28} or {@code 3x224x224}
     * @return the size
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InputSize parse(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("'" + text + "' is not CxHxW (such as 1x28x28 or 3x224x224)");
        }
        int[] v = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not CxHxW (such as 1x28x28 or 3x224x224)");
            }
        }
        if (v[0] != 1 && v[0] != 3) {
            throw new IllegalArgumentException("'" + text + "': images have 1 (grayscale) or 3 (RGB) channels");
        }
        if (v[1] < 1 || v[2] < 1 || v[1] > 4096 || v[2] > 4096) {
            throw new IllegalArgumentException("'" + text + "': height and width must be in 1..4096");
        }
        return new InputSize(v[0], v[1], v[2]);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }

    /** picocli converter for {@link #parse}. */
    static final class Converter implements ITypeConverter<InputSize> {
        @Override
        public InputSize convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
