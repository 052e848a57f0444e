#!/usr/bin/env bash
# Runs on the device, from the folder bench/cuda-device-check staged (see there).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gemm=${GEMM_SIZE:-4096}
model=${MODEL_SHAPE:-12,768,12,1024,8} # layers, d_model, heads, context, batch: GPT-2 small's
# cuBLAS of the nvidia-* wheels that PyTorch brings, where the machine has no CUDA toolkit.
if command -v python3 >/dev/null; then
  wheels=$(python3 - <<'PY' 2>/dev/null
import glob, os, site
roots = site.getsitepackages() + [site.getusersitepackages()]
print(":".join(sorted({d for r in roots for d in glob.glob(os.path.join(r, "nvidia", "*", "lib"))})))
PY
)
  export EMERGENT_CUDA_LIBRARY_PATH=${EMERGENT_CUDA_LIBRARY_PATH:-}${wheels:+:$wheels}
fi
out=$("$here/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/lib/*" \
  dev.emergent.trainer.cuda.CudaCheck --gemm "$gemm" --parity "$here/cpu-losses.json" \
  --throughput "$model")
status=$?
echo "$out"
[ $status -eq 2 ] && exit 2
if ! python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  echo "no PyTorch with CUDA here: no peer lines"
  exit $status
fi
peer=$(python3 "$here/torch_gemm.py" "$gemm")
echo "$peer"
python3 - "$out" "$peer" "$gemm" <<'PY'
import re, sys
ours, peer, size = sys.argv[1], sys.argv[2], sys.argv[3]
o = re.search(r"fp32 ([\d.]+) TFLOP/s, bf16 \(fp32 accumulate\) ([\d.]+) TFLOP/s", ours)
p = re.search(r"fp32 ([\d.]+) TFLOP/s, bf16 ([\d.]+) TFLOP/s", peer)
if o and p:
    for name, a, b in (("fp32", o[1], p[1]), ("bf16", o[2], p[2])):
        print(f"gemm {name} {size}³: emergent {a} vs pytorch {b} TFLOP/s, ratio {float(a) / float(b):.2f}")
PY
IFS=, read -r layers d heads context batch <<<"$model"
best=""
for variant in eager sdpa compile; do
  line=$(python3 "$here/torch_gpt.py" "$layers" "$d" "$heads" "$context" "$batch" 10 1 "$variant" cuda 2>/dev/null | tail -1)
  echo "pytorch $variant: ${line:-failed}"
  best="$best $line"
done
python3 - "$out" "$best" <<'PY'
import json, re, sys
ours = re.search(r"^model (.*): fp32 ([\d.]+) tokens/s", sys.argv[1], re.M)
runs = [json.loads(l) for l in re.findall(r"\{[^}]*\}", sys.argv[2])]
if ours and runs:
    top = max(runs, key=lambda r: r["tokensPerSecond"])
    print(f"model {ours[1]} fp32: emergent {float(ours[2]):,.0f} vs pytorch {top['variant']}"
          f" {top['tokensPerSecond']:,.0f} tokens/s, ratio {float(ours[2]) / top['tokensPerSecond']:.2f}")
PY
exit $status
