#!/usr/bin/env python3
"""Writes the shifts of every ActiveShift / ActiveShiftNchwc node of an ONNX model to PREFIX<k>.f32
(2C little-endian floats, the order the model stores them), for asnet_kernel_bench's "layers" mode,
and prints each node's channels and strides. Usage: dump-shifts.py MODEL.onnx PREFIX"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
inits = {i.name: i for i in model.graph.initializer}
k = 0
for node in model.graph.node:
    if not node.op_type.startswith("ActiveShift") or node.input[1] not in inits:
        continue
    shift = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    print(k, node.op_type, shift.shape[0], "channels, strides", attrs.get("strides"))
    shift.tofile(f"{sys.argv[2]}{k}.f32")
    k += 1
