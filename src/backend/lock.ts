/**
 * One backend process per data folder: `<dataDir>/backend.lock` holds the
 * owner's pid. A lock whose pid is no longer alive (crash, kill -9) is taken
 * over; a live owner makes `acquireDataDirLock` throw CONFLICT — otherwise a
 * second server would mark the first one's running runs as interrupted.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ServiceError } from '../shared/client'
import { ensureDir } from './fs-safe'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Returns the release function. */
export function acquireDataDirLock(dataDir: string): () => void {
  ensureDir(dataDir, 'data folder')
  const file = path.join(dataDir, 'backend.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx')
      fs.writeSync(fd, String(process.pid))
      fs.closeSync(fd)
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file)
        } catch {
          // already gone
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const owner = Number(fs.readFileSync(file, 'utf8').trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new ServiceError('CONFLICT', `data folder ${dataDir} is in use by another ZSNAS Studio process (pid ${owner})`, { dataDir, pid: owner })
      }
      fs.rmSync(file, { force: true }) // stale: its owner died
    }
  }
  throw new ServiceError('CONFLICT', `could not lock data folder ${dataDir}`, { dataDir })
}
