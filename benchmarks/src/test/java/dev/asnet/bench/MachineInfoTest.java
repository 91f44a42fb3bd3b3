package dev.asnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link MachineInfo#summary}: the machine as one readable line instead of a map. */
class MachineInfoTest {
    @Test
    void summaryReadsLikeASentence() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", "Intel(R) Xeon(R) Processor");
        m.put("logicalCores", 2);
        m.put("asnetKernelIsa", "avx512");
        m.put("os", "Linux 6.18 amd64");
        m.put("java", "17.0.15");
        m.put("javaVm", "OpenJDK 64-Bit Server VM");
        m.put("onnxruntime", "1.29.0");
        m.put("ortNchwcBlockSize", 16);
        m.put("gpu", "none");
        assertEquals("Intel(R) Xeon(R) Processor, 2 logical cores, asnet kernels avx512, Linux 6.18 amd64, "
                + "Java 17.0.15, ONNX Runtime 1.29.0, NCHWc block 16, gpu none", MachineInfo.summary(m));
        assertEquals(9, m.size(), "the map is left as it was");
    }

    @Test
    void thisMachine() {
        String s = MachineInfo.summary(MachineInfo.describe());
        assertTrue(s.contains("logical core") && s.contains("ONNX Runtime ") && s.contains("Java "), s);
        assertFalse(s.contains("{") || s.contains("="), "no Map.toString(): " + s);
    }
}
