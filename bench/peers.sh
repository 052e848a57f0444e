# Shared by the benchmarks that compare against PyTorch (sourced, not run): makes the peers when
# missing and runs one peer variant under a named thread setting.
#
# Peers: Debian bookworm's PyTorch 1.13 (python3-torch, installed here if missing) and Debian
# trixie's PyTorch 2.x in a debootstrapped chroot (TORCH2_ROOT, made when missing and reused
# after; needs root), with what torch.compile needs. Thread settings: "default" (the peer's own),
# "passive" (OpenMP's passive wait, OpenBLAS single-threaded inside PyTorch's OpenMP threads) and
# "sleep" (OpenMP's passive wait, OpenBLAS's own threads asleep as soon as a product ends: the
# settings Emergent runs with, LaunchEnvironment.BLAS_THREADS_SLEEP). A peer variant's best of its
# three settings is the best of three runs, and this machine's neighbours move single runs by
# 10–30%: so Emergent runs once per setting too, interleaved with the peers, and its best counts.

threads="${THREADS:-$(nproc)}"
torch2="${TORCH2_ROOT:-/var/cache/emergent/trixie-torch}"

install_debian_packages() {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "installing python3-torch and libopenblas0-pthread (Debian)..." >&2
  install_debian_packages python3-torch libopenblas0-pthread
fi
if ! chroot "$torch2" python3 -c "import torch" 2>/dev/null; then
  echo "making $torch2: Debian trixie with PyTorch 2.x and what torch.compile needs..." >&2
  command -v debootstrap >/dev/null || install_debian_packages debootstrap
  debootstrap --variant=minbase trixie "$torch2" http://deb.debian.org/debian >/dev/null
  cp /etc/resolv.conf "$torch2/etc/resolv.conf"
  chroot "$torch2" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install \
    -y -qq --no-install-recommends python3-torch libtorch-dev libopenblas0-pthread g++ \
    python3-dev python3-setuptools >/dev/null"
fi
mountpoint -q "$torch2/proc" || mount --bind /proc "$torch2/proc"
cp bench/torch_*.py "$torch2/tmp/"
./mvnw -B -q -pl trainer-image -am package -DskipTests
cp="trainer-image/target/emergent-trainer.jar:trainer-image/target/lib/*"

# The BLAS thread settings Emergent runs with (LaunchEnvironment.BLAS_THREADS_SLEEP); the peers get
# them too, as the "sleep" setting.
sleeping=(OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4)
passive=(OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1)
settings_names="default passive sleep"
settings_legend="passive = ${passive[*]}; sleep = ${sleeping[*]}; each side its best run of"
settings_legend+=" $(wc -w <<<"$settings_names"), interleaved (Emergent once before each setting's peers)"

json_list() { # JSON objects, one per argument -> one JSON list
  local IFS=,
  echo "[$*]"
}

ours() { # main-class args...: Emergent's side, as the trainer runs (fused kernels on the Vector API)
  env OMP_NUM_THREADS="$threads" "${sleeping[@]}" java --add-modules jdk.incubator.vector \
    -cp "$cp" "$@" 2>/dev/null | tail -1
}

peer() { # label settings(default|passive|sleep) python... -- args: one JSON line, labelled
  local label=$1 settings=$2
  shift 2
  local env=(OMP_NUM_THREADS="$threads")
  case $settings in
    passive) env+=("${passive[@]}") ;;
    sleep) env+=("${sleeping[@]}") ;;
  esac
  env "${env[@]}" "$@" 2>/dev/null | tail -1 |
    python3 -c "import json,sys; r=json.load(sys.stdin); r.update(label='$label', settings='$settings'); print(json.dumps(r))"
}
