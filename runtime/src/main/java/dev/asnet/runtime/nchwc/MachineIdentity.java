package dev.asnet.runtime.nchwc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A description of the CPU that decides how ONNX Runtime lays out and runs NCHWc graphs: the
 * architecture, the vendor and model, and the instruction-set extensions its kernels choose
 * between. A model rewritten on one machine is cached under this description, so a cache folder
 * shared between machines (a network home folder) never hands one machine's graph to another.
 */
public final class MachineIdentity {
    /** CPU flags (as Linux names them) that select ONNX Runtime's MLAS kernels or block size. */
    private static final Set<String> ISA_FLAGS = Set.of("sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c",
            "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni",
            "amx_tile", "amx_int8", "amx_bf16", "asimd", "asimddp", "sve", "sve2", "bf16", "i8mm");

    private static volatile String cached;

    private MachineIdentity() {}

    /**
     * The description, e.g. {@code amd64 GenuineIntel "Intel(R) Xeon(R) ..." avx avx2 avx512f fma}.
     *
     * @return the description (computed once per process)
     */
    public static String describe() {
        String s = cached;
        if (s == null) {
            s = read(Path.of("/proc/cpuinfo"));
            cached = s;
        }
        return s;
    }

    /** Reads a Linux cpuinfo file; elsewhere only the architecture and OS are known. */
    static String read(Path cpuinfo) {
        StringBuilder out = new StringBuilder(System.getProperty("os.arch", "?"));
        List<String> lines;
        try {
            lines = Files.isReadable(cpuinfo) ? Files.readAllLines(cpuinfo) : List.of();
        } catch (IOException | RuntimeException e) {
            lines = List.of();
        }
        String vendor = null;
        String model = null;
        Set<String> flags = new TreeSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (line.isBlank() && vendor != null) {
                    break; // the first processor's block is enough
                }
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "vendor_id", "cpu implementer" -> vendor = vendor == null ? value : vendor;
                case "model name", "cpu part" -> model = model == null ? value : model;
                case "flags", "features" -> {
                    for (String f : value.split("\\s+")) {
                        if (ISA_FLAGS.contains(f)) {
                            flags.add(f);
                        }
                    }
                }
                default -> { }
            }
        }
        if (lines.isEmpty()) {
            out.append(' ').append(System.getProperty("os.name", "?"));
        }
        if (vendor != null) {
            out.append(' ').append(vendor);
        }
        if (model != null) {
            out.append(" \"").append(model).append('"');
        }
        for (String f : flags) {
            out.append(' ').append(f);
        }
        return out.toString();
    }
}
