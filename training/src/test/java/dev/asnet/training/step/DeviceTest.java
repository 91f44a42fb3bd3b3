package dev.asnet.training.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.asnet.runtime.Device;
import dev.asnet.runtime.ExecutionProvider;
import dev.asnet.runtime.ProviderUnavailableException;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.autodiff.TrainingKernels;
import org.junit.jupiter.api.Test;

/** Training on CUDA: the graph form per device, and the message without the GPU build. */
class DeviceTest {

    @Test
    void cudaTrainsWithStandardOpsAndTheCpuWithFusedOnes() {
        assertEquals(TrainingKernels.FUSED, TrainingKernels.forDevice(Device.CPU));
        assertEquals(TrainingKernels.STANDARD, TrainingKernels.forDevice(Device.cuda(0)));
    }

    @Test
    void cudaWithoutTheGpuBuildSaysWhatToDo() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "GPU build of ONNX Runtime");
        TrainingGraph g = TrainingGraphBuilder.trainingStep(TinyNet.build(1), 4, SgdOptions.reference(),
                TrainingKernels.forDevice(Device.cuda(0)));
        RuntimeOptions cuda = RuntimeOptions.builder().optIntraOpThreads(1).optDevice(Device.cuda(0))
                .optFallbackToCpu(true).build();  // never falls back: a CUDA training graph does not suit the CPU
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> new TrainingStep(g, cuda).close());
        assertEquals(ExecutionProvider.CUDA, e.provider());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
        assertThrows(ProviderUnavailableException.class,
                () -> new Evaluator(TinyNet.build(1), 4, cuda).close());
    }
}
