/**
 * `npm run serve` — browser mode. Starts the backend (run store, supervisor,
 * forked scoring workers) and the token-guarded server on 127.0.0.1, then
 * prints the URL to open (like Jupyter).
 *
 *   tsx src/server/cli.ts [--data-dir DIR] [--port N] [--static DIR] [--workers N] [--allow DIR]… [--token T]
 *
 * --data-dir  run store folder (default ~/.zsnas-studio)
 * --port      TCP port (default 0 = a free port)
 * --static    built renderer folder (default out/renderer)
 * --workers   default worker processes per run (default cores − 1, min 1)
 * --allow     a folder clients may read datasets/tables from and export into (repeatable);
 *             the data folder is always allowed, every other path is refused (UNAUTHORIZED)
 * --token     the access token (16–256 of A–Z a–z 0–9 _ -); default: the data folder's stored
 *             token (`<data-dir>/server-token`, created once), so a restart keeps the URL and open tabs reconnect
 * On SIGINT/SIGTERM active runs are stopped and marked 'interrupted' (resume them later).
 * Exit code 2 on bad arguments.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createBackend } from '../backend/backend'
import { createEngineAdapter } from '../backend/engine-adapter'
import { createPathPolicy } from '../backend/path-policy'
import { forkHost, scoreWorkerEntry } from '../backend/worker-host'
import { ZsnasError } from '../engine/core/errors'
import { ServiceError } from '../shared/client'
import { parseArgs, type CliArgs } from './args'
import { startServer } from './server'
import { stableToken } from './token'
import { runFolderFiles } from '../backend/export'
import { SEED_DERIVATION } from '../backend/service'
import { zipFolder } from './zip'

async function main(): Promise<void> {
  let args: CliArgs
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`zsnas serve: ${(e as Error).message}\n`)
    process.exit(2)
  }
  let backend: ReturnType<typeof createBackend>
  let token: string
  const engine = createEngineAdapter({ tableCacheDir: path.join(args.dataDir, 'table-cache') })
  try {
    backend = createBackend({
      dataDir: args.dataDir,
      host: forkHost(scoreWorkerEntry()),
      engine,
      mode: 'browser',
      defaultWorkers: args.workers,
      paths: createPathPolicy({ roots: [args.dataDir, ...args.allow] }),
    })
    token = args.token ?? stableToken(args.dataDir)
  } catch (e) {
    // a data folder the user named that cannot be used (a file, /proc/x, …) is bad input: exit 2
    process.stderr.write(`zsnas serve: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(e instanceof ZsnasError && e.code !== 'INTERNAL' ? 2 : 1)
  }
  const staticDir = fs.existsSync(path.join(args.staticDir, 'index.html')) ? args.staticDir : null
  const b = backend
  const exportZip = async (id: string) => {
    const summary = b.manager.summary(id) // NOT_FOUND for an unknown run
    if (summary.status === 'running' || summary.status === 'queued') throw new ServiceError('CONFLICT', `run '${id}' is still running; export it when it has stopped`, { id })
    const files = runFolderFiles(b.store, summary, engine.proxyIds(summary.config), { seedDerivation: SEED_DERIVATION })
    return { name: `${id}.zip`, data: zipFolder(id, files) }
  }
  const server = await startServer({ handlers: backend.handlers, bus: backend.bus, staticDir, port: args.port, token, exportZip })
  if (!staticDir) process.stderr.write(`warning: no built renderer at ${args.staticDir} (run \`npm run build\`); serving the API only\n`)
  if (backend.interrupted.length) process.stderr.write(`${backend.interrupted.length} interrupted run(s) can be resumed: ${backend.interrupted.join(', ')}\n`)
  process.stdout.write(`ZSNAS Studio (browser mode), data in ${args.dataDir}${args.allow.length ? `, also allowed: ${args.allow.join(', ')}` : ''}\nOpen this URL (it contains the access token):\n\n    ${server.url}\n\n`)
  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await server.close()
    await backend.close()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((e) => {
  process.stderr.write(`zsnas serve: ${e instanceof Error ? e.stack : String(e)}\n`)
  process.exit(1)
})
