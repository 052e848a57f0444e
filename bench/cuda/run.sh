#!/usr/bin/env bash
# Runs on the device, from the folder bench/cuda-device-check staged (see there).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=${GEMM_SIZE:-4096}
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
  dev.emergent.trainer.cuda.CudaCheck "$size")
status=$?
echo "$out"
[ $status -eq 2 ] && exit 2
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  peer=$(python3 "$here/torch_gemm.py" "$size")
  echo "$peer"
  ours=$(echo "$out" | sed -n 's/^gemm [0-9]*³: fp32 \([0-9.]*\) TFLOP\/s, bf16 (fp32 accumulate) \([0-9.]*\) TFLOP\/s$/\1 \2/p')
  theirs=$(echo "$peer" | sed -n 's/^pytorch gemm [0-9]*³: fp32 \([0-9.]*\) TFLOP\/s, bf16 \([0-9.]*\) TFLOP\/s$/\1 \2/p')
  read -r ours32 ours16 <<<"$ours"
  read -r torch32 torch16 <<<"$theirs"
  awk -v s="$size" -v a="$ours32" -v b="$torch32" -v c="$ours16" -v d="$torch16" 'BEGIN {
    printf "gemm fp32 %d³: emergent %.1f vs pytorch %.1f TFLOP/s, ratio %.2f\n", s, a, b, a / b
    printf "gemm bf16 %d³: emergent %.1f vs pytorch %.1f TFLOP/s, ratio %.2f\n", s, c, d, c / d }'
else
  echo "no PyTorch with CUDA here: no peer line"
fi
exit $status
