/**
 * A reverse-mode tape of the custom-op library, for ONE forward pass followed
 * by SEVERAL backward passes with different seeds (e.g. mean cross-entropy
 * for WRCor's gradient responses and Σ logits for JacCor's input Jacobian,
 * both from the same training-mode-BN forward on the same batch).
 *
 * tfjs' own tape (`engine.gradients`) differentiates one scalar per forward.
 * Every op of our networks is a `customOp` (ops/custom.ts), so while a
 * recording is active `customOp` records its node here instead of on the tfjs
 * tape: the input tensor ids, the output id and shape, the saved tensors
 * (kept aliases of the buffers, ops/alias.ts) and the op's own gradient function.
 * `backpropagate` then replays the same gradient functions, in the same
 * reverse order and with the same accumulation order as tfjs'
 * `backpropagateGradients`, so a recorded pass gives the gradients — and
 * fires the same backward hooks — that `tf.engine().gradients` gives for
 * that seed, bit for bit (tests/engine/nn/tape.test.ts).
 *
 * Guarantees:
 * - Nested custom ops (a custom op called inside another op's forward or
 *   gradient) are not recorded; the outer op's gradient covers them.
 * - Only nodes that depend on the recording's sources (`xs`) are
 *   differentiated, and only gradients of tensors that depend on them are
 *   accumulated (tfjs' "from x to y" filtering); a node none of whose
 *   outputs received a gradient is skipped (not on the path to the seed).
 * - A tensor created during the recording that feeds a recorded node but is
 *   neither a source nor a recorded output (a plain tf op on the gradient
 *   path, which would silently cut the chain) raises `ZsnasError('BAD_VALUE')`.
 * - Each node's output gradient is disposed once the node has run, so a
 *   backward holds at most the gradients of the live frontier; `dispose()`
 *   frees the saved tensors (call it when every backward is done).
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../core/errors'
import { exclusive } from '../backend/wasm-inplace'
import { alias } from './ops/alias'

interface TapeNode {
  inputIds: number[]
  inputShapes: number[][]
  outputId: number
  saved: tf.Tensor[]
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[], last?: boolean, ownsDy?: boolean) => tf.Tensor | tf.Tensor[]
  /** per input: depends on a source */
  fromX: boolean[]
  /** output depends on a source */
  live: boolean
}

export interface TapeRecording {
  /** nodes in forward order */
  readonly nodes: readonly TapeNode[]
  /** a `last` backward has run (nn/tape.ts BackpropOptions): the saved tensors are gone */
  released?: boolean
  dispose(): void
}

interface Recorder {
  nodes: TapeNode[]
  fromX: Set<number>
  outputs: Set<number>
  firstId: number
  /** >0 while a recorded op's forward runs (nested ops are not recorded) */
  depth: number
}

let active: Recorder | undefined

/** hooks queued by the gradient function running now on a tape's backward (see `afterGradient`) */
let pendingHooks: (() => void)[] | undefined

/**
 * Runs `f` (in its own tidy) once the current gradient function has returned
 * and the tape has freed that node's incoming gradient and — on a `last`
 * backward — its saved tensors, before the node's gradients are accumulated
 * (so tensors the gradient function returns are still alive). Outside a
 * tape backward (tfjs' own `engine.gradients`) `f` runs at once. Used by the
 * ReLU's backward hook (ops/relu.ts): the hook's Gram then runs without dy
 * and the saved output alive (issue #18: two maps less at the peak). Hook
 * order is unchanged: every queued hook runs before the next node's gradient.
 */
export function afterGradient(f: () => void): void {
  if (pendingHooks !== undefined) pendingHooks.push(f)
  else tf.tidy(f)
}

/** The hook `customOp` calls: records and returns the op's value while a recording is active, else undefined. */
export function recordCustomOp(
  inputs: tf.Tensor[],
  f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: TapeNode['gradFunc'] },
): tf.Tensor | undefined {
  const r = active
  if (r === undefined || r.depth > 0) return undefined
  for (const t of inputs) {
    if (t.id >= r.firstId && !r.outputs.has(t.id) && !r.fromX.has(t.id)) {
      throw new ZsnasError('BAD_VALUE', `a tensor of shape [${t.shape}] made by a plain tf op feeds a differentiated op; only custom ops may lie on the gradient path`)
    }
  }
  let saved: tf.Tensor[] = []
  let gradFunc: TapeNode['gradFunc'] | undefined
  r.depth++
  let value: tf.Tensor
  try {
    value = tf.tidy(() => {
      const res = f(inputs, (ts) => {
        // aliases, not clones: a clone copies the buffer on wasm (ops/alias.ts)
        saved = ts.map((t) => tf.keep(alias(t)))
      })
      gradFunc = res.gradFunc
      return res.value
    })
  } finally {
    r.depth--
  }
  const fromX = inputs.map((t) => r.fromX.has(t.id))
  const live = fromX.some((b) => b)
  if (live) r.fromX.add(value.id)
  r.outputs.add(value.id)
  r.nodes.push({
    inputIds: inputs.map((t) => t.id),
    inputShapes: inputs.map((t) => t.shape.slice()),
    outputId: value.id,
    saved,
    gradFunc: gradFunc!,
    fromX,
    live,
  })
  return value
}

function disposeNodes(nodes: readonly TapeNode[]): void {
  for (const n of nodes) for (const t of n.saved) t.dispose()
}

/**
 * Runs `f` with custom ops recorded on a fresh tape whose sources are `xs`.
 * Returns f's result and the recording; the caller owns both (dispose the
 * recording after the last `backpropagate`). Tensors f creates follow normal
 * tfjs scoping (wrap the call in `tf.tidy` and return what must survive).
 */
export function recordTape<T>(xs: readonly tf.Tensor[], f: () => T): { result: T; tape: TapeRecording } {
  if (active !== undefined) throw new ZsnasError('INVALID_OPTION', 'a tape recording is already active')
  const r: Recorder = { nodes: [], fromX: new Set(xs.map((x) => x.id)), outputs: new Set(), firstId: Infinity, depth: 0 }
  // ids are allocated from a global counter: anything made from here on is "new"
  const probe = tf.scalar(0)
  r.firstId = probe.id
  probe.dispose()
  active = r
  let result: T
  try {
    result = f()
  } catch (e) {
    disposeNodes(r.nodes)
    throw e
  } finally {
    active = undefined
  }
  let disposed = false
  return {
    result,
    tape: {
      nodes: r.nodes,
      dispose() {
        if (disposed) return
        disposed = true
        disposeNodes(r.nodes)
      },
    },
  }
}

/**
 * One backward pass over a recording: seeds `seed.tensor` (a recorded output)
 * with `seed.dy` (default ones of its shape) and returns ∂/∂t for each tensor
 * in `wrt` (sources; a source the seed does not depend on gets zeros). The
 * returned gradients belong to the caller; everything else is disposed.
 */
export function backpropagate(tape: TapeRecording, seed: { tensor: tf.Tensor; dy?: tf.Tensor }, wrt: readonly tf.Tensor[] = [], opts: BackpropOptions = {}): tf.Tensor[] {
  if (!tape.nodes.some((n) => n.outputId === seed.tensor.id)) {
    throw new ZsnasError('INVALID_OPTION', 'the backward seed is not an output of the recorded pass')
  }
  const g = backpropagateSeeds(tape, [seed], wrt, opts)
  return tf.tidy(() => g.map((t, i) => t ?? tf.zerosLike(wrt[i])))
}

/**
 * A backward seed: the recorded tensor (or just its id — the tensor may
 * already be disposed, e.g. a checkpointed segment's output whose buffer the
 * tape keeps as its own clone — then `dy` is required) and its starting
 * gradient (default ones of its shape).
 */
export interface BackwardSeed {
  tensor: tf.Tensor | { readonly id: number }
  dy?: tf.Tensor
}

export interface BackpropOptions {
  /**
   * This is the last backward over the tape: free each node's saved tensors
   * as soon as the sweep has passed the node (issue #18: a backward then holds
   * only what the nodes still ahead of it saved). The gradients are the same;
   * a later backward over the same tape throws BAD_VALUE.
   */
  last?: boolean
}

/**
 * One backward pass from SEVERAL seeds (checkpointing, nn/run-checkpointed.ts):
 * each seed's `dy` (default ones) is the starting gradient of its tensor —
 * a recorded output, or a source (then it is the gradient carried in from
 * later ops, and this recording's contributions are added to it in reverse
 * node order, exactly as one whole-network backward would). Returns ∂/∂t
 * for each `wrt` tensor, or undefined where nothing reached it (no zeros are
 * made: a carried gradient then keeps its exact bits). Seeds' `dy` tensors
 * are not consumed; the returned gradients belong to the caller.
 */
export function backpropagateSeeds(
  tape: TapeRecording,
  seeds: readonly BackwardSeed[],
  wrt: readonly tf.Tensor[] = [],
  opts: BackpropOptions = {},
): (tf.Tensor | undefined)[] {
  const keep = new Set(wrt.map((t) => t.id))
  const out = tf.tidy(() => {
    const grads = new Map<number, tf.Tensor>()
    for (const sd of seeds) {
      if (grads.has(sd.tensor.id)) throw new ZsnasError('INVALID_OPTION', 'two backward seeds for the same tensor')
      if (sd.dy === undefined && !(sd.tensor instanceof tf.Tensor)) {
        throw new ZsnasError('INVALID_OPTION', 'a backward seed given by id only needs its dy')
      }
      grads.set(sd.tensor.id, sd.dy !== undefined ? alias(sd.dy) : tf.onesLike(sd.tensor as tf.Tensor))
    }
    if (tape.released) throw new ZsnasError('BAD_VALUE', 'a backward over a tape whose saved tensors a last backward already freed')
    if (opts.last === true) tape.released = true
    const pass = (node: TapeNode): void => {
      if (opts.last !== true) return
      for (const t of node.saved) t.dispose()
      node.saved = []
    }
    for (let i = tape.nodes.length - 1; i >= 0; i--) {
      const node = tape.nodes[i]
      const dy = node.live ? grads.get(node.outputId) : undefined
      if (dy === undefined) {
        pass(node)
        continue
      }
      grads.delete(node.outputId)
      // the node may overwrite dy's buffer (ops/custom.ts ownsDy): nothing else holds it and it is freed right after
      const ownsDy = !keep.has(node.outputId) && exclusive(dy) && ![...grads.values()].includes(dy)
      const hooks: (() => void)[] = []
      pendingHooks = hooks
      let raw: tf.Tensor | tf.Tensor[]
      try {
        raw = tf.tidy(() => node.gradFunc(dy, node.saved, opts.last === true, ownsDy))
      } finally {
        pendingHooks = undefined
      }
      if (!keep.has(node.outputId)) dy.dispose()
      pass(node)
      for (const h of hooks) tf.tidy(h)
      const dxs = Array.isArray(raw) ? raw : [raw]
      if (dxs.length !== node.inputIds.length) {
        throw new ZsnasError('BAD_VALUE', `a custom op returned ${dxs.length} gradients for ${node.inputIds.length} inputs`)
      }
      dxs.forEach((dx, k) => {
        const id = node.inputIds[k]
        if (!node.fromX[k]) {
          dx.dispose()
          return
        }
        const want = node.inputShapes[k]
        if (dx.shape.length !== want.length || dx.shape.some((v, a) => v !== want[a])) {
          throw new ZsnasError('BAD_SHAPE', `a custom op's gradient has shape [${dx.shape}], its input [${want}]`)
        }
        const cur = grads.get(id)
        if (cur === undefined) grads.set(id, dx)
        else {
          grads.set(id, tf.add(cur, dx))
          cur.dispose()
          dx.dispose()
        }
      })
    }
    // tidy returns tensors only: mark the missing ones by position
    const present = wrt.map((t) => grads.get(t.id))
    return { list: present.filter((t): t is tf.Tensor => t !== undefined), mask: present.map((t) => t !== undefined) }
  }) as unknown as { list: tf.Tensor[]; mask: boolean[] }
  let k = 0
  return out.mask.map((m) => (m ? out.list[k++] : undefined))
}
