// What the native test files share: the failure counter, CHECK, and the kernel tables to test.
#pragma once

#include <cstdio>
#include <vector>

#include "asnet/active_shift.h"

namespace asnet_test {

inline int failures = 0;

/// Every instruction set this CPU can run (the kernels of each are tested).
inline std::vector<asnet::Isa> AvailableIsas() {
  std::vector<asnet::Isa> isas = {asnet::Isa::kSse2};
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isas.push_back(asnet::Isa::kAvx2);
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) {
    isas.push_back(asnet::Isa::kAvx512);
  }
  return isas;
}

}  // namespace asnet_test

/// The training-kernel tests (training_kernels_test.cc).
void RunTrainingKernelTests();

/// The fused BN-ReLU-shift training kernels against the separate ones (bn_relu_shift_test.cc).
void RunBnReluShiftTests();

/// The ActiveShiftNchwc kernel tests (nchwc_kernels_test.cc).
void RunNchwcKernelTests();

/// The uint8 ActiveShift kernel tests (u8_kernels_test.cc).
void RunU8KernelTests();

/// The ChannelAffineU8 kernel tests (channel_affine_u8_test.cc).
void RunChannelAffineU8Tests();

/// Geometry edge cases (huge strides, empty tensors) and their fuzz test (geometry_fuzz_test.cc).
void RunGeometryFuzzTests();

// Counts a failure and returns from the (void) test function.
#define CHECK(cond, ...)                                             \
  do {                                                               \
    if (!(cond)) {                                                   \
      std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);      \
      std::fprintf(stderr, __VA_ARGS__);                             \
      std::fprintf(stderr, "\n");                                    \
      ++asnet_test::failures;                                        \
      return;                                                        \
    }                                                                \
  } while (0)
