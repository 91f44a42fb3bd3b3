package dev.asnet.training.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.asnet.runtime.ExecutionProvider;
import dev.asnet.runtime.ProviderUnavailableException;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.autodiff.TrainingKernels;
import org.junit.jupiter.api.Test;

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
    void cudaTrainsWithStandardOpsAndTheCpuWithFusedOnes() {
        assertEquals(TrainingKernels.FUSED, Device.CPU.kernels());
        assertEquals(TrainingKernels.STANDARD, Device.cuda(0).kernels());
    }

    @Test
    void cudaWithoutTheGpuBuildSaysWhatToDo() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "GPU build of ONNX Runtime");
        TrainingGraph g = TrainingGraphBuilder.trainingStep(TinyNet.build(1), 4, SgdOptions.reference(),
                Device.cuda(0).kernels());
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> new TrainingStep(g, 1, Device.cuda(0)).close());
        assertEquals(ExecutionProvider.CUDA, e.provider());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
        assertThrows(ProviderUnavailableException.class,
                () -> new Evaluator(TinyNet.build(1), 4, 1, Device.cuda(0)).close());
    }
}
