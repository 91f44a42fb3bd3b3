// ActiveShift CUDA kernels as plain launcher functions, independent of ONNX Runtime.
//
// Same layout and semantics as the CPU kernels in asnet/active_shift.h (NCHW float32, shift
// [C, 2] = (x_c, y_c), per-tap zero padding, shifts clamped to +-(2 * extent + 2), right-sided
// derivative at integer shifts). Tensors live in device memory; the shift is read from HOST
// memory: the caller validates it there (non-finite values are rejected on the host without any
// device synchronization) and the launchers pass it to the kernels as launch parameters.
//
// Every launcher only enqueues work on the given stream (never the default stream unless the
// caller passes it, never a synchronization) and returns the first CUDA error it saw.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

#include "asnet/active_shift.h"

namespace asnet {
namespace cuda {

/// Null when the kernels support geometry g; otherwise why not. The kernels index rows with
/// 32-bit integers: H, W < 2^27 and N*min(C, 448)*H < 2^31 (only tensors far beyond GPU memory
/// per image row count hit these).
const char* UnsupportedGeometry(const ShiftGeometry& g);

/// Y = ActiveShift(X): x [N,C,H,W] and y [N,C,oh,ow] on the device, shift [C,2] on the host.
cudaError_t LaunchActiveShiftForward(const ShiftGeometry& g, const float* x, const float* shift,
                                     float* y, cudaStream_t stream);

/// dX and dShift of ActiveShift: dy [N,C,oh,ow], x [N,C,H,W], dx [N,C,H,W] and dshift [C,2] on the
/// device, shift [C,2] on the host. dShift is reduced deterministically: per-block partial sums in
/// double, then a second kernel adds them per channel in a fixed order. The few bytes of scratch
/// for the partial sums are allocated stream-ordered (cudaMallocFromPoolAsync / cudaFreeAsync on
/// `stream`) from a pool owned by this library.
cudaError_t LaunchActiveShiftGrad(const ShiftGeometry& g, const float* dy, const float* x,
                                  const float* shift, float* dx, float* dshift,
                                  cudaStream_t stream);

/// Most channels handled by one kernel launch (their shifts travel as launch parameters, which
/// are limited to 4 KiB); more channels take several launches.
constexpr int kMaxChannelsPerLaunch = 448;

/// Blocks per channel that the gradient's dShift reduction uses for g (exposed for tests: the
/// result depends only on the geometry, never on the device, so it is reproducible everywhere).
int GradChunksPerChannel(const ShiftGeometry& g);

}  // namespace cuda
}  // namespace asnet
