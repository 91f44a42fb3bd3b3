# An upper bound, not a model: removes every com.microsoft QLinearAdd from an optimized int8 graph
# (`asnet optimize`), wiring its first input through. The numbers it computes are wrong; its time is
# what the residual adds cost. python3 drop-qlinearadd.py IN.onnx OUT.onnx (python3-onnx)
import sys
import onnx

m = onnx.load(sys.argv[1])
g = m.graph
ren, keep = {}, []
for n in g.node:
    if n.op_type == 'QLinearAdd':
        ren[n.output[0]] = n.input[0]
    else:
        keep.append(n)


def r(x):
    while x in ren:
        x = ren[x]
    return x


for n in keep:
    for i, x in enumerate(n.input):
        n.input[i] = r(x)
del g.node[:]
g.node.extend(keep)
del g.value_info[:]
onnx.save(m, sys.argv[2])
