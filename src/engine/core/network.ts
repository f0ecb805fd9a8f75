/**
 * The network contract shared by every search space and every proxy.
 *
 * A search space turns an architecture into a `NetworkDef`: a list of parameter
 * specs plus a `forward` written against the abstract `Ops<T>` algebra. The
 * same definition is then interpreted by different `Ops` implementations:
 *   - the tfjs implementation (training-mode BN, ReLU hooks, custom gradients),
 *   - a shape-only counter (exact params and multiply-add counts, no tensors),
 *   - special interpreters some proxies need (e.g. SynFlow's |θ|, BN-off, log-scaled).
 * Builders therefore never touch tfjs directly, and counting can never drift
 * from what is actually run.
 *
 * Layout convention: feature maps are NHWC; conv kernels are HWIO
 * ([k, k, inC, outC]); depthwise kernels are [k, k, C, 1]; linear weights are
 * [in, out].
 */

/** What a parameter tensor is; decides initialisation and which proxies see it. */
export type ParamKind =
  | 'conv' // regular conv kernel [k,k,in,out]
  | 'depthwise' // depthwise kernel [k,k,C,1]
  | 'linear' // dense weight [in,out]
  | 'bias' // conv or linear bias [out]
  | 'bnGamma' // BN scale [C], initialised to 1
  | 'bnBeta' // BN shift [C], initialised to 0

export interface ParamSpec {
  name: string
  kind: ParamKind
  shape: number[]
  /** PyTorch fan-in: (inC/groups)·k·k for convs (k·k for depthwise), inC for linear; for a bias, its layer's fan-in. */
  fanIn: number
  /** PyTorch fan-out: outC·k·k (depthwise: C·k·k... as torch computes it), out for linear. */
  fanOut: number
}

/** Padding: 'same' (TF rule), 'valid', or explicit symmetric PyTorch-style padding in pixels. */
export type Padding = 'same' | 'valid' | number

export interface ConvOptions {
  stride: number
  pad: Padding
  /** depthwise convolution (weight kind 'depthwise'); default false */
  depthwise?: boolean
  /** name of a bias parameter, if the conv has one */
  bias?: string
}

/**
 * Identifies one ReLU call for response-based proxies.
 * - `block`: 0-based index of the top-level cell/layer/block containing it
 *   (the 2^block weight of WRCor); see the reference notes per space.
 * - `site`: 'main' for ordinary activations, 'se' for ReLUs inside
 *   squeeze-excitation blocks, 'lastact' for NB201's final BN-ReLU.
 * - `inplace`: the reference implementation's ReLU was in-place, so its forward
 *   hook saw the post-activation map (reference-compatible mode only).
 */
export interface ReluTag {
  block: number
  site: 'main' | 'se' | 'lastact'
  inplace?: boolean
  /**
   * The reference also hooks a module around this ReLU (NB201's `ReLUConvBN`:
   * its type name contains 'ReLU', reference notes §1.1), whose forward hook
   * sees this ReLU's input again and whose legacy backward hook sees ∂L/∂(input
   * of the module's last op, its BN) = ∂L/∂(output of conv layer `gradLayer`,
   * the conv's weight name). Same block as the ReLU. Read in reference mode only.
   */
  container?: { gradLayer: string }
}

/** Abstract tensor algebra a network definition is written against. */
export interface Ops<T> {
  conv2d(x: T, weight: string, o: ConvOptions): T
  /** Affine batch norm; statistics policy (batch stats / identity) is the interpreter's choice. */
  batchNorm(x: T, gamma: string, beta: string): T
  relu(x: T, tag: ReluTag): T
  add(a: T, b: T): T
  /** NB201 'none' op: x·0 (keeps the gradient path, value 0). */
  zero(x: T): T
  avgPool(x: T, k: number, stride: number, pad: 'same' | 'valid'): T
  maxPool(x: T, k: number, stride: number, pad: 'same' | 'valid'): T
  /** [N,H,W,C] -> [N,1,1,C] */
  globalAvgPool(x: T): T
  /** [N,1,1,C] or [N,C] -> [N,out] */
  linear(x: T, weight: string, bias?: string): T
  concatChannels(xs: T[]): T
  /** keeps the first n channels */
  sliceChannels(x: T, n: number): T
  sigmoid(x: T): T
  /** x [N,H,W,C] times gate [N,1,1,C] */
  mulChannels(x: T, gate: T): T
  /** bilinear resize, PyTorch align_corners=False semantics (halfPixelCenters) */
  resizeBilinear(x: T, size: number): T
  /**
   * Marks `x` as the output of top-level unit `unit` and returns it unchanged.
   * Units are what the reference hooks as `net.cells` / `net.layers` /
   * `net.block_list` (NB201: the 17 cells, NB101: the 12 layers, MobileNetV2:
   * the 9 blocks), numbered like `ReluTag.block`, 0..numBlocks−1, each marked
   * exactly once per forward, in order.
   */
  unitOutput(x: T, unit: number): T
}

export interface NetworkDef {
  /** human-readable id of what was built (e.g. the arch string) */
  name: string
  params: ParamSpec[]
  /** number of top-level blocks (WRCor weight indices run 0..numBlocks-1, NB201 lastact uses numBlocks) */
  numBlocks: number
  /** per-sample input shape [H, W, C] the network expects */
  inputShape: [number, number, number]
  numClasses: number
  bnEps: number
  /** computes logits [N, numClasses] */
  forward<T>(ops: Ops<T>, x: T): T
}

/** Weight initialisation schemes (reference notes §5.2 / Table 6). */
export type InitScheme =
  | 'pytorch' // U(±1/√fan_in) weights and biases (kaiming_uniform a=√5); default for NB201/MBv2
  | 'kaimingNormal' // N(0, 2/fan_in)
  | 'xavierNormal' // N(0, 2/(fan_in+fan_out))
  | 'normal' // N(0,1)
  | 'nb101' // conv N(0, 2/(k²·C_out)), linear N(0, 0.01²), zero biases
