#!/usr/bin/env bash
# The GPU check of issue #17 (item 5) as one prepared script.
#
#   bench/gpu-check.sh pack      build .gpu-pack/zsnas-gpu.tar.xz (≤ 60 MiB: esbuild bundles of the engine, CLI and
#                                bench, the linux-x64 Dawn binary, a copy of this node binary, the Vulkan loader);
#                                .gpu-pack/ is added to .git/info/exclude so a device run can carry it
#   bench/gpu-check.sh run       on the GPU machine: unpack to a temp folder and run the backend bench within the
#                                8-minute budget (webgpu + wasm children in parallel, caps below); writes
#                                $OUT/backends.md (the table), $OUT/bench.log, $OUT/system.txt (nvidia-smi, Vulkan
#                                drivers, `zsnas backends`), $OUT/gpu-mem.csv (nvidia-smi memory samples)
#   bench/gpu-check.sh --local   pack, then run the PACKED folder here on a tiny workload on SwiftShader (webgpu)
#                                and wasm: proves the pack unpacks and runs without the repo or node_modules
#
# Device call (the `run` tool): command 'bash bench/gpu-check.sh run', carry ['.gpu-pack'], timeout_s 540.
# Environment: GPU_CHECK_CAP_S (per child, default 180; worst case ≈ 25 s unpack + 60 s probe + cap + 150 s ≈ 7 min), GPU_CHECK_ARGS (extra bench options), OUT (default ./gpu-out).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pack_dir="$repo/.gpu-pack"
archive="$pack_dir/zsnas-gpu.tar.xz"

pack() {
  mkdir -p "$repo/.git/info"
  grep -qxF '/.gpu-pack/' "$repo/.git/info/exclude" 2>/dev/null || echo '/.gpu-pack/' >>"$repo/.git/info/exclude"
  nice node "$repo/bench/gpu/pack.mjs" "$pack_dir"
}

# unpack ARCHIVE → prints the unpacked folder
unpack() {
  local dest
  dest=$(mktemp -d "${TMPDIR:-/tmp}/zsnas-gpu.XXXXXX")
  tar -C "$dest" -xJf "$1"
  echo "$dest/zsnas-gpu"
}

run_device() {
  [ -f "$archive" ] || { echo "gpu-check: $archive missing: run 'bench/gpu-check.sh pack' here and carry .gpu-pack" >&2; exit 2; }
  local out="${OUT:-$repo/gpu-out}" cap="${GPU_CHECK_CAP_S:-180}" t0 dir
  mkdir -p "$out"
  t0=$(date +%s)
  dir=$(unpack "$archive")
  {
    echo "== $(date -u +%FT%TZ) unpacked in $(($(date +%s) - t0)) s"
    if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi 2>&1; else echo "nvidia-smi: not available"; fi
    echo "== Vulkan loader: $(ldconfig -p 2>/dev/null | grep -c 'libvulkan\.so\.1') system copies (the pack brings its own)"
    ls /usr/local/nvidia/share/vulkan/icd.d /etc/vulkan/icd.d /usr/share/vulkan/icd.d 2>/dev/null || true
    echo "== zsnas backends"
    ZSNAS_RUN=zsnas timeout 60 "$dir/run.sh" backends --timeout 45 2>&1 || true
  } >"$out/system.txt" 2>&1
  local sampler=""
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu --format=csv -lms 500 >"$out/gpu-mem.csv" 2>/dev/null &
    sampler=$!
  fi
  # webgpu and wasm children run at once (separate processes; the GPU one needs one core); cpu is 15-40x slower
  # than wasm and would not finish: not run here. tensorflow is probed (the pack has no native addon).
  # shellcheck disable=SC2086
  timeout $((cap + 150)) "$dir/run.sh" --backends tensorflow,webgpu,wasm --parallel --data noise \
    --cap-s "$cap" --mbv2-cap-s "$cap" --out "$out/backends.md" ${GPU_CHECK_ARGS:-} 2>"$out/bench.log" || echo "gpu-check: bench exit $?" >>"$out/bench.log"
  [ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
  if [ -f "$out/gpu-mem.csv" ]; then
    awk -F', ' 'NR > 1 { gsub(/ MiB/, "", $2); if ($2 + 0 > m) m = $2 + 0 } END { print "peak GPU memory used (nvidia-smi, whole device): " m " MiB" }' "$out/gpu-mem.csv" >>"$out/backends.md" || true
  fi
  echo "gpu-check: $(($(date +%s) - t0)) s in all" | tee -a "$out/bench.log"
  cat "$out/backends.md" 2>/dev/null || tail -20 "$out/bench.log"
  rm -rf "$(dirname "$dir")"
}

run_local() {
  pack
  local out="${OUT:-$pack_dir/local}" dir
  mkdir -p "$out"
  dir=$(unpack "$archive")
  # a software adapter (Debian chromium's SwiftShader Vulkan driver) and a workload small enough for it
  VK_ICD_FILENAMES="${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}" \
    nice "$dir/run.sh" --backends tensorflow,webgpu,wasm --data noise --cells 1 --nb201-batch 2 --mbv2-batch 2 \
    --resolution 32 --mbv2-reps 1 --epads-batch 2 --cap-s 240 --mbv2-cap-s 240 --out "$out/backends.md" 2>"$out/bench.log"
  echo "gpu-check --local: table in $out/backends.md (packed folder was $dir)"
  rm -rf "$(dirname "$dir")"
}

case "${1:-}" in
  pack) pack ;;
  run) run_device ;;
  --local) run_local ;;
  *)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
