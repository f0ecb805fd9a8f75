/**
 * Typed engine errors. Every failure a researcher can cause (bad file, bad
 * architecture string, bad option) is a `ZsnasError` with a stable `code`, a
 * one-line human message naming what is wrong and what was expected, and
 * optional structured `details`. They serialise to plain data (`toData`) so
 * they can cross IPC / WebSocket boundaries unchanged.
 */
export type ErrorCode =
  | 'INVALID_ARCH'
  | 'INVALID_OPTION'
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'BAD_FORMAT'
  | 'BAD_SHAPE'
  | 'BAD_LABEL'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_ROW'
  | 'BAD_VALUE'
  | 'UNSAFE_PICKLE'
  | 'BAD_CHECKSUM'
  | 'EMPTY_DATASET'
  | 'BACKEND_UNAVAILABLE'
  | 'NUMERIC'
  | 'CANCELLED'
  | 'NOT_FOUND'
  | 'OUT_OF_MEMORY'
  | 'INTERNAL'

export interface ErrorData {
  code: ErrorCode
  message: string
  details?: Record<string, unknown>
}

export class ZsnasError extends Error {
  readonly code: ErrorCode
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'ZsnasError'
    this.code = code
    this.details = details
  }

  toData(): ErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static fromData(d: ErrorData): ZsnasError {
    return new ZsnasError(d.code, d.message, d.details)
  }
}
