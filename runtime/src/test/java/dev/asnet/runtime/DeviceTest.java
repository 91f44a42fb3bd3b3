package dev.asnet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The device syntax every command shares: cpu, cuda, cuda:N. */
class DeviceTest {
    @Test
    void parsesTheAcceptedForms() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.cuda(0), Device.parse("CUDA"));
        assertEquals(Device.cuda(3), Device.parse("cuda:3"));
        assertEquals("cuda:3", Device.cuda(3).toString());
        for (String bad : new String[] {"gpu", "cuda:", "cuda:-1", "cuda:x", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse(bad), bad);
            assertTrue(e.getMessage().contains("cpu, cuda or cuda:N"), e.getMessage());
        }
    }

    @Test
    void runtimeOptionsCarryTheDevice() {
        RuntimeOptions o = RuntimeOptions.builder().optDevice(Device.cuda(2)).build();
        assertEquals(ExecutionProvider.CUDA, o.executionProvider());
        assertEquals(2, o.cudaDevice());
        assertEquals(Device.cuda(2), o.device());
        assertEquals(Device.CPU, RuntimeOptions.defaults().device());
        assertEquals(o.toString(), o.toBuilder().build().toString());
    }
}
