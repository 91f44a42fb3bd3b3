// Splitting a kernel's work over the session's intra-op thread pool.
#pragma once

#include <algorithm>
#include <cstdint>

#include "onnxruntime_cxx_api.h"

namespace asnet {

// Work is handed to the thread pool in tasks of about this many floats, so that tiny tensors run
// inline and large ones spread over every intra-op thread.
inline constexpr int64_t kTaskFloats = 1 << 14;

inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Runs fn(task) for task in [0, tasks): inline when there is one task, otherwise on the session's
// intra-op pool (KernelContext_ParallelFor runs serially when the session has one thread).
template <typename Fn>
Ort::Status ParallelFor(OrtKernelContext* ctx, int64_t tasks, Fn& fn) {
  if (tasks <= 0) return Ort::Status(nullptr);
  if (tasks == 1) {
    fn(0);
    return Ort::Status(nullptr);
  }
  auto trampoline = [](void* data, size_t task) { (*static_cast<Fn*>(data))(static_cast<int64_t>(task)); };
  return Ort::Status(Ort::GetApi().KernelContext_ParallelFor(ctx, trampoline,
                                                             static_cast<size_t>(tasks), 0, &fn));
}

// Runs fn(begin, end) over [0, items) in contiguous ranges of about kTaskFloats floats, an item
// costing floats_per_item. Ranges never split an item, so per-item results do not depend on the
// thread count.
template <typename RangeFn>
Ort::Status ParallelForRanges(OrtKernelContext* ctx, int64_t items, int64_t floats_per_item, RangeFn&& fn) {
  const int64_t per_task = std::max<int64_t>(1, kTaskFloats / std::max<int64_t>(1, floats_per_item));
  const int64_t tasks = CeilDiv(items, per_task);
  auto work = [&](int64_t t) {
    const int64_t begin = t * per_task;
    fn(begin, std::min(items, begin + per_task));
  };
  return ParallelFor(ctx, tasks, work);
}

// The floats_per_item of ParallelForRanges for uint8 data: a byte counts as a quarter of a float,
// so a uint8 task covers as many bytes as a float task (about 64 KiB). Measured on the uint8
// shift: a 28x28 map of a small network then runs as one task instead of three, and with one
// intra-op thread every extra task cost its scratch and, at unit strides, one more merged row.
inline int64_t BytesAsFloats(int64_t bytes) { return (bytes + 3) / 4; }

// The batch-normalization kernels walk chunks of about this many floats of channels batch-outer
// (kChunkBytes in kernels/batch_norm_channel.inc); their tasks are at most one chunk.
inline constexpr int64_t kChannelChunkFloats = 1 << 17;
// ... and, where there are channels enough, at least this many tasks, for the intra-op threads.
inline constexpr int64_t kMinChannelTasks = 8;

// Runs fn(begin, end) over [0, channels) for the batch-normalization kernels: a task of the
// default size would hold only a few channels of a small map, and the kernel would walk each
// channel's planes one by one again (a wait on memory per plane).
template <typename RangeFn>
Ort::Status ParallelForChannelChunks(OrtKernelContext* ctx, int64_t channels, int64_t floats_per_channel,
                                     RangeFn&& fn) {
  const int64_t chunk = std::max<int64_t>(1, kChannelChunkFloats / std::max<int64_t>(1, floats_per_channel));
  const int64_t per_task = std::max<int64_t>(1, std::min(chunk, CeilDiv(channels, kMinChannelTasks)));
  const int64_t tasks = CeilDiv(channels, per_task);
  auto work = [&](int64_t t) {
    const int64_t begin = t * per_task;
    fn(begin, std::min(channels, begin + per_task));
  };
  return ParallelFor(ctx, tasks, work);
}

}  // namespace asnet
