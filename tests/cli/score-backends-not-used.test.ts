/**
 * `zsnas score` JSON names the backends passed over and why (issue #17 item 3): on this machine the native
 * TensorFlow addon is absent (npm install never downloads it), so both tfjs-node variants appear with the
 * fix `npm run setup:native`. The CLI runs in a child process: tfjs initialises one backend per process.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

const repo = join(__dirname, '../..')
const addon = join(dirname(createRequire(join(repo, 'package.json')).resolve('@tensorflow/tfjs-node/package.json')), 'lib/napi-v8/tfjs_binding.node')

describe('zsnas score: backendsNotUsed', () => {
  it('lists the tfjs-node variants with the reason and the fix when their addon is absent', () => {
    const { ZSNAS_BACKEND: _drop, ...env } = process.env
    const out = execFileSync(
      process.execPath,
      [join(repo, 'bin/zsnas.mjs'), 'score', '--arch', '|skip_connect~0|+|none~0|skip_connect~1|+|skip_connect~0|none~1|skip_connect~2|', '--proxies', 'synflow', '--batch', '2'],
      { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const r = JSON.parse(out) as { backend: string; backendsNotUsed: { name: string; reason: string; hint?: string }[] }
    const names = r.backendsNotUsed.map((b) => b.name)
    // everything before the chosen backend in the order was tried and failed; nothing after it is listed
    expect(names).not.toContain(r.backend)
    if (!existsSync(addon)) {
      expect(r.backend).not.toBe('tensorflow')
      expect(r.backendsNotUsed.slice(0, 2)).toEqual([
        { name: 'tfjs-node-gpu', reason: 'native addon not installed (npm install does not download it)', hint: 'npm run setup:native -- --gpu' },
        { name: 'tfjs-node', reason: 'native addon not installed (npm install does not download it)', hint: 'npm run setup:native' },
      ])
    } else {
      expect(names).not.toContain('tfjs-node')
    }
  })
})
