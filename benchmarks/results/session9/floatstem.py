# Makes the first Conv of a QDQ int8 model float (dequantized weights, the float input): the experiment behind the float stem.
# python3 floatstem.py IN.onnx OUT.onnx (python3-onnx)
import onnx, numpy as np, sys
from onnx import numpy_helper as nh
src, dst = sys.argv[1], sys.argv[2]
m=onnx.load(src); g=m.graph
nodes=list(g.node)
inits={t.name:t for t in g.initializer}
conv=[n for n in nodes if n.op_type=='Conv'][0]
dq_in=[n for n in nodes if n.output[0]==conv.input[0]][0]
q_in=[n for n in nodes if n.output[0]==dq_in.input[0]][0]
dq_w=[n for n in nodes if n.output[0]==conv.input[1]][0]
w=nh.to_array(inits[dq_w.input[0]]).astype(np.float32)
s=nh.to_array(inits[dq_w.input[1]]).astype(np.float32)
g.initializer.append(nh.from_array((w*s.reshape(-1,1,1,1)).astype(np.float32),'stem_wf'))
if len(conv.input)>2:
    dq_b=[n for n in nodes if n.output[0]==conv.input[2]]
    if dq_b:
        dq_b=dq_b[0]; b=nh.to_array(inits[dq_b.input[0]]).astype(np.float32)*nh.to_array(inits[dq_b.input[1]]).astype(np.float32)
        g.initializer.append(nh.from_array(b.astype(np.float32),'stem_bf')); conv.input[2]='stem_bf'; nodes.remove(dq_b)
conv.input[0]=q_in.input[0]; conv.input[1]='stem_wf'
nodes.remove(dq_in); nodes.remove(q_in); nodes.remove(dq_w)
del g.node[:]; g.node.extend(nodes)
onnx.save(m,dst)
