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

/**
 * Takes `<dir>/<name>` for this process (creating `dir` with `ensureDir`):
 * writes the pid with O_EXCL; a lock file whose pid is dead (crash, kill -9)
 * or unreadable/empty is taken over; a live owner makes it call
 * `busy(ownerPid, lockFile)`, which must throw. Returns the release function,
 * which removes the file only while it still holds this pid.
 */
export function acquireFolderLock(dir: string, name: string, what: string, busy: (pid: number, file: string) => never): () => void {
  ensureDir(dir, what)
  const file = path.join(dir, name)
  for (let attempt = 0; attempt < 3; attempt++) {
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
      let owner = NaN
      try {
        owner = Number(fs.readFileSync(file, 'utf8').trim())
      } catch {
        // removed meanwhile: retry
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) busy(owner, file)
      fs.rmSync(file, { force: true }) // stale: its owner died
    }
  }
  return busy(NaN, file)
}

/** Returns the release function. */
export function acquireDataDirLock(dataDir: string): () => void {
  return acquireFolderLock(dataDir, 'backend.lock', 'data folder', (pid) => {
    if (Number.isNaN(pid)) throw new ServiceError('CONFLICT', `could not lock data folder ${dataDir}`, { dataDir })
    throw new ServiceError('CONFLICT', `data folder ${dataDir} is in use by another ZSNAS Studio process (pid ${pid})`, { dataDir, pid })
  })
}
