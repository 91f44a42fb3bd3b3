# Finds the ONNX Runtime C/C++ API headers (never committed to the repository).
# Order: -DORT_INCLUDE_DIR=..., the ORT_INCLUDE_DIR environment variable, then a copy fetched
# once into the build directory by fetch-ort-headers.sh (Debian's libonnxruntime-dev).
set(_ort_marker onnxruntime_cxx_api.h)
if(NOT ORT_INCLUDE_DIR AND DEFINED ENV{ORT_INCLUDE_DIR})
  set(ORT_INCLUDE_DIR "$ENV{ORT_INCLUDE_DIR}")
endif()
if(NOT ORT_INCLUDE_DIR)
  set(_ort_cache "${CMAKE_BINARY_DIR}/ort-headers")
  if(NOT EXISTS "${_ort_cache}/${_ort_marker}")
    message(STATUS "Fetching ONNX Runtime API headers into ${_ort_cache}")
    execute_process(
      COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/fetch-ort-headers.sh" "${_ort_cache}"
      RESULT_VARIABLE _ort_rc)
    if(NOT _ort_rc EQUAL 0)
      message(FATAL_ERROR
        "Could not fetch the ONNX Runtime API headers (see the message above). Set ORT_INCLUDE_DIR "
        "to a folder holding onnxruntime_c_api.h and onnxruntime_cxx_api.h (ONNX Runtime "
        "1.21 or newer), e.g. 'ORT_INCLUDE_DIR=/path/include mvn install'.")
    endif()
  endif()
  set(ORT_INCLUDE_DIR "${_ort_cache}")
endif()
if(NOT EXISTS "${ORT_INCLUDE_DIR}/${_ort_marker}")
  message(FATAL_ERROR "ORT_INCLUDE_DIR=${ORT_INCLUDE_DIR} does not contain ${_ort_marker}: point it "
                      "at the include folder of ONNX Runtime 1.21 or newer.")
endif()
file(STRINGS "${ORT_INCLUDE_DIR}/onnxruntime_c_api.h" _ort_ver REGEX "^#define ORT_API_VERSION ")
message(STATUS "ONNX Runtime headers: ${ORT_INCLUDE_DIR} (${_ort_ver})")
