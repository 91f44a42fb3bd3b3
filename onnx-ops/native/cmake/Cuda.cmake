# CUDA kernels for ActiveShift / ActiveShiftGrad, built when ASNET_CUDA is ON and nvcc is
# found; without nvcc the CPU-only library builds exactly as before.
#
# Included by CMakeLists.txt after asnet_kernels (and, unless ASNET_GPU_CHECK_ONLY, asnet_ops)
# exist. Defines:
#   asnet_cuda_kernels  object library: the kernels and launchers (src/cuda/*.cu), no ONNX Runtime
#   asnet_gpu_check     the standalone GPU check (test/gpu_check.cu): CUDA vs CPU kernels + speed
# and, when asnet_ops exists, adds the CUDA custom ops to it with ASNET_WITH_CUDA defined.
#
# Architectures: SASS for sm_75 (Turing), sm_80 (A100), sm_86 (Ampere consumer), sm_89 (Ada) and
# sm_90 (H100/H200), plus compute_90 PTX so newer GPUs JIT-compile it. Override with
# -DCMAKE_CUDA_ARCHITECTURES=... (the GPU check script builds for the local GPU only).
#
# The CUDA runtime is linked statically (cudart_static, CUDA 13): the library needs no CUDA
# toolkit at run time, only an NVIDIA driver that supports CUDA 13 (r580 or newer) when the CUDA
# ops actually run. Loading the library touches no CUDA API: cudart initializes itself on the
# first CUDA call, which only happens inside a CUDA kernel's Compute, so the library still loads
# and runs its CPU ops on machines without any NVIDIA driver.
set(ASNET_HAVE_CUDA OFF)
if(NOT ASNET_CUDA)
  message(STATUS "asnet: CUDA kernels disabled (ASNET_CUDA=OFF)")
  return()
endif()

include(CheckLanguage)
check_language(CUDA)
if(NOT CMAKE_CUDA_COMPILER)
  if(ASNET_GPU_CHECK_ONLY)
    message(FATAL_ERROR "ASNET_GPU_CHECK_ONLY needs nvcc (CUDA toolkit); put it on PATH or set CUDACXX")
  endif()
  message(STATUS "asnet: nvcc not found, building the CPU-only library")
  return()
endif()

if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  # "90" = sm_90 SASS and compute_90 PTX; the others SASS only.
  set(CMAKE_CUDA_ARCHITECTURES 75-real 80-real 86-real 89-real 90)
endif()
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
set(CMAKE_CUDA_RUNTIME_LIBRARY Static)
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
set(ASNET_HAVE_CUDA ON)
message(STATUS "asnet: CUDA kernels ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures "
               "${CMAKE_CUDA_ARCHITECTURES})")

add_library(asnet_cuda_kernels OBJECT src/cuda/active_shift_kernels.cu)
target_include_directories(asnet_cuda_kernels PUBLIC include src/cuda)
# No --use_fast_math: the kernels must round like the CPU ops.

if(TARGET asnet_ops)
  target_sources(asnet_ops PRIVATE src/cuda/active_shift_cuda_ops.cc
                                   $<TARGET_OBJECTS:asnet_cuda_kernels>)
  target_include_directories(asnet_ops PRIVATE src/cuda)
  target_compile_definitions(asnet_ops PRIVATE ASNET_WITH_CUDA)
  # asnet_ops was created before CUDA was enabled, so it did not pick up the architectures.
  set_target_properties(asnet_ops PROPERTIES CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
  # cudart_static brings its own dependencies (pthread, dl, rt); its symbols stay hidden behind the
  # version script, which exports RegisterCustomOps only.
  target_link_libraries(asnet_ops PRIVATE CUDA::cudart_static)
endif()

# The GPU check is only built on request (or by the check-only configuration), so the Maven build
# of the library does not pay for it.
if(ASNET_GPU_CHECK_ONLY)
  set(_asnet_check_all "")
else()
  set(_asnet_check_all EXCLUDE_FROM_ALL)
endif()
add_executable(asnet_gpu_check ${_asnet_check_all} test/gpu_check.cu
               $<TARGET_OBJECTS:asnet_cuda_kernels> $<TARGET_OBJECTS:asnet_kernels>)
target_include_directories(asnet_gpu_check PRIVATE include src/cuda)
target_link_libraries(asnet_gpu_check PRIVATE CUDA::cudart_static)
