# Chains of 50 nodes of one op on a tiny tensor, to time the fixed cost per node (session 9).
# Needs python3-onnx (Debian). Writes chain-{affine,nchwc,u8,neg16}.onnx into the current folder.
import onnx
from onnx import helper as h, TensorProto as T

N = 50


def save(nodes, inits, name, shape):
    g = h.make_graph(nodes, 'g', [h.make_tensor_value_info('x', T.FLOAT, shape)],
                     [h.make_tensor_value_info('y', T.FLOAT, shape)], inits)
    onnx.save(h.make_model(g, opset_imports=[h.make_opsetid('', 13), h.make_opsetid('dev.asnet', 1)]), name)


q = [h.make_tensor('sc', T.FLOAT, [], [0.1]), h.make_tensor('z', T.UINT8, [], [0])]
shift = h.make_tensor('s', T.FLOAT, [16, 2], [0.0] * 32)
# ChannelAffineNhwcU8 on [1,1,1,16] uint8 (four inputs: X, multiplier, offset, shift)
nodes = [h.make_node('QuantizeLinear', ['x', 'sc', 'z'], ['q0'])]
nodes += [h.make_node('ChannelAffineNhwcU8', ['q%d' % i, 'm', 'o', 'sh'], ['q%d' % (i + 1)], domain='dev.asnet')
          for i in range(N)]
nodes.append(h.make_node('DequantizeLinear', ['q%d' % N, 'sc', 'z'], ['y']))
save(nodes, q + [h.make_tensor('m', T.INT32, [16], [1] * 16), h.make_tensor('o', T.INT32, [16], [0] * 16),
                 h.make_tensor('sh', T.INT32, [16], [0] * 16)], 'chain-affine.onnx', [1, 1, 1, 16])
# ActiveShiftNhwcU8 on [1,4,4,16] uint8
nodes = [h.make_node('QuantizeLinear', ['x', 'sc', 'z'], ['q0'])]
nodes += [h.make_node('ActiveShiftNhwcU8', ['q%d' % i, 's', 'sc', 'z'], ['q%d' % (i + 1)], domain='dev.asnet')
          for i in range(N)]
nodes.append(h.make_node('DequantizeLinear', ['q%d' % N, 'sc', 'z'], ['y']))
save(nodes, q + [shift], 'chain-u8.onnx', [1, 4, 4, 16])
# ActiveShiftNchwc (block 16) on [1,16,4,4] float, and Neg (a built-in op) on the same tensor
for op, name, inits in (('ActiveShiftNchwc', 'chain-nchwc.onnx', [shift]), ('Neg', 'chain-neg16.onnx', [])):
    nodes = [h.make_node('Relu', ['x'], ['f0'])]
    for i in range(N):
        if op == 'Neg':
            nodes.append(h.make_node('Neg', ['f%d' % i], ['f%d' % (i + 1)]))
        else:
            nodes.append(h.make_node(op, ['f%d' % i, 's'], ['f%d' % (i + 1)], domain='dev.asnet', block_size=16))
    nodes.append(h.make_node('Relu', ['f%d' % N], ['y']))
    save(nodes, inits, name, [1, 16, 4, 4])
