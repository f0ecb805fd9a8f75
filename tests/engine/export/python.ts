/**
 * Test helper: a Python interpreter with torch, or null (with the reason).
 * Looks at $ZSNAS_PYTHON, then `python3` on PATH, then Debian's /usr/bin/python3
 * (where `apt-get install python3-torch` puts torch; .ci/run installs it).
 */
import { spawnSync } from 'node:child_process'

export interface TorchPython {
  python: string | null
  reason: string
}

export function findTorchPython(): TorchPython {
  const tried: string[] = []
  for (const c of [process.env.ZSNAS_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!c) continue
    const r = spawnSync(c, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 })
    if (r.status === 0) return { python: c, reason: `${c} with torch ${r.stdout.trim()}` }
    tried.push(`${c}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`)
  }
  return { python: null, reason: `no Python with torch (install Debian's python3-torch or set ZSNAS_PYTHON); tried ${tried.join('; ')}` }
}
