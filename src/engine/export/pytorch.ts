/**
 * PyTorch source generator: an `ExportGraph` → one self-contained `model.py`
 * (imports only `torch`) defining `class Net(nn.Module)` and
 * `build_model(num_classes)`.
 *
 * Guarantees:
 * - One `nn.Conv2d` / `nn.BatchNorm2d` / `nn.Linear` per engine layer, declared
 *   in execution order under the names of `layers.ts`, so the model's
 *   `state_dict` keys are exactly `stateTensors(graph)` and its parameter count
 *   (`sum(p.numel() for p in model.parameters())`) equals the engine's counter.
 * - `forward` is the traced graph line by line (NCHW input [N,C,H,W]); each
 *   top-level unit's output is marked with a comment. Pools, resize, SE gates,
 *   channel slices and NB201's `none` (x·0) are functional ops with the
 *   engine's semantics: average pools exclude padding (`count_include_pad=False`),
 *   bilinear resize uses `align_corners=False` without antialiasing.
 * - In `model.eval()` BN uses the fresh running statistics (mean 0, var 1),
 *   i.e. the engine's `bn: 'eval'` forward; `model.train()` uses batch
 *   statistics like the engine's default scoring forward.
 * - `build_model(num_classes)` only changes the classifier's output width;
 *   the rest of the network is fixed by the architecture.
 */
import type { ExportGraph, GraphNode } from './graph'
import { nodeModule, paramNodes } from './layers'

export interface PytorchSourceInfo {
  spaceId: string
  spaceLabel: string
  arch: string
  /** architecture hash in the space (`SearchSpace.hash`) */
  hash: string
  flops: number
}

const pyStr = (s: string): string => JSON.stringify(s)

function moduleDecl(n: ReturnType<typeof paramNodes>[number], g: ExportGraph): string {
  const name = nodeModule(n)
  if (n.op === 'conv') {
    const groups = n.groups > 1 ? `, groups=${n.groups}` : ''
    return `self.${name} = nn.Conv2d(${n.inC}, ${n.outC}, ${n.k}, stride=${n.stride}, padding=${n.pad}${groups}, bias=${n.bias !== undefined ? 'True' : 'False'})`
  }
  if (n.op === 'bn') return `self.${name} = nn.BatchNorm2d(${n.channels}, eps=${n.eps})`
  const out = n.id === g.output ? 'num_classes' : String(n.outF)
  return `self.${name} = nn.Linear(${n.inF}, ${out}, bias=${n.bias !== undefined ? 'True' : 'False'})`
}

function forwardLine(n: GraphNode, v: (id: number) => string): string {
  const [a, b] = n.inputs.map(v)
  switch (n.op) {
    case 'input':
      return ''
    case 'conv':
    case 'bn':
      return `self.${nodeModule(n)}(${a})`
    case 'linear':
      return `self.${nodeModule(n)}(torch.flatten(${a}, 1))`
    case 'relu':
      return `F.relu(${a})`
    case 'add':
      return `${a} + ${b}`
    case 'zero':
      return `${a} * 0.0  # 'none' edge: zero, kept in the graph as in the engine`
    case 'sigmoid':
      return `torch.sigmoid(${a})`
    case 'mul':
      return `${a} * ${b}`
    case 'gap':
      return `${a}.mean((2, 3), keepdim=True)`
    case 'concat':
      return `torch.cat([${n.inputs.map(v).join(', ')}], dim=1)`
    case 'slice':
      return `${a}[:, :${n.channels}]`
    case 'avgpool':
      return `F.avg_pool2d(${a}, ${n.k}, stride=${n.stride}, padding=${n.pad}, count_include_pad=False)`
    case 'maxpool':
      return `F.max_pool2d(${a}, ${n.k}, stride=${n.stride}, padding=${n.pad})`
    case 'resize':
      return `F.interpolate(${a}, size=(${n.size}, ${n.size}), mode='bilinear', align_corners=False)`
  }
}

/** The `model.py` text for `g` (see the module comment). */
export function pytorchSource(g: ExportGraph, info: PytorchSourceInfo): string {
  const mods = paramNodes(g)
  const v = (id: number): string => (id === 0 ? 'x' : `h${id}`)
  const body: string[] = []
  for (const n of g.nodes) {
    if (n.op === 'input') continue
    body.push(`        ${v(n.id)} = ${forwardLine(n, v)}`)
    if (n.unit !== undefined) body.push(`        # ---- output of top-level unit ${n.unit} ----`)
  }
  body.push(`        return ${v(g.output)}`)
  const { c, h, w } = g.input
  return `"""${info.spaceLabel} architecture exported by ZSNAS Studio.

Architecture (${info.spaceId}): ${info.arch}
Architecture hash: ${info.hash}
Input: float32 tensor [N, ${c}, ${h}, ${w}] (NCHW, normalised like the data the engine scored with)
Output: logits [N, num_classes] (exported with num_classes=${g.numClasses})
Parameters: ${g.paramCount} (every conv/BN/linear tensor, = the engine's counter)
Multiply-adds per sample: ${info.flops}

The module reproduces the engine's network layer for layer (generated from the
same network definition). BatchNorm: model.train() uses batch statistics,
model.eval() the running statistics (a fresh model: mean 0, variance 1).
Load exported weights with model.load_state_dict(...) (see engine_weights.py).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

ARCH = ${pyStr(info.arch)}
SPACE = ${pyStr(info.spaceId)}
INPUT_SHAPE = (${c}, ${h}, ${w})
NUM_PARAMS = ${g.paramCount}


class Net(nn.Module):
    """${info.spaceId} network for ARCH; one attribute per engine layer, in execution order."""

    def __init__(self, num_classes=${g.numClasses}):
        super().__init__()
${mods.map((n) => `        ${moduleDecl(n, g)}`).join('\n')}

    def forward(self, x):
${body.join('\n')}


def build_model(num_classes=${g.numClasses}):
    """Returns a freshly initialised Net (PyTorch default init) with \`num_classes\` outputs."""
    return Net(num_classes)


if __name__ == "__main__":
    model = build_model()
    n = sum(p.numel() for p in model.parameters())
    print(f"{SPACE} {ARCH}: {n} parameters (engine: {NUM_PARAMS})")
    model.eval()
    with torch.no_grad():
        print(model(torch.zeros(2, *INPUT_SHAPE)).shape)
`
}
