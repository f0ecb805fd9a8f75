#!/bin/sh
# Entry of the unpacked GPU check (bench/gpu/pack.mjs copies this file to zsnas-gpu/run.sh):
#   zsnas-gpu/run.sh [bench/backends.ts options…]     the backend bench (Markdown table on stdout)
#   ZSNAS_RUN=zsnas zsnas-gpu/run.sh score --arch …    the zsnas CLI instead
# Uses the folder's own node, Dawn (node_modules/webgpu) and Vulkan loader (lib/); finds the NVIDIA Vulkan
# driver manifest of GPU containers when none is configured.
here=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then XDG_RUNTIME_DIR=$(mktemp -d); export XDG_RUNTIME_DIR; fi
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$f" ]; then VK_DRIVER_FILES=$f; export VK_DRIVER_FILES; break; fi
  done
fi
if [ "${ZSNAS_RUN:-bench}" = zsnas ]; then exec "$here/bin/node" "$here/app/zsnas.js" "$@"; fi
exec "$here/bin/node" "$here/app/backends.js" "$@"
