import json,sys,collections
ev=json.load(open(sys.argv[1])); skip=int(sys.argv[2])
runs=[e for e in ev if e.get('name')=='model_run']
acc=collections.defaultdict(float); info={}; seen=0
for e in ev:
    if e.get('name')=='model_run': seen+=1; continue
    if seen<skip or e.get('cat')!='Node' or not e['name'].endswith('_kernel_time'): continue
    n=e['name'][:-12]; acc[n]+=e['dur']; info[n]=e.get('args',{}).get('op_name')
k=len(runs)-skip
tot=collections.defaultdict(float); cnt=collections.Counter()
for n,v in acc.items(): tot[info[n]]+=v/k; cnt[info[n]]+=1
for op,v in sorted(tot.items(), key=lambda x:-x[1]): print("%-26s %3d %8.1f us"%(op,cnt[op],v))
print("total %.1f us; model_run median %.1f us"%(sum(tot.values()), sorted(e['dur'] for e in runs[skip:])[len(runs[skip:])//2]))
if len(sys.argv)>3:
    for n,v in sorted(acc.items(), key=lambda x:-x[1]):
        if info[n]==sys.argv[3]: print("   %-40s %6.2f"%(n[:40], v/k))
