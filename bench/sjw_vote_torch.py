"""Independent PyTorch scoring of the SJW members, to check a search-result question (docs/search.md, "Why RE-SJW
lands below the paper"): is the all-conv1x1 NB201 cell a near-Condorcet winner of the SJW majority vote against the
best cells under the reference's own definitions, or only in the tfjs port?

Written from the reference notes only (../shared/reference/reference-implementation.md §1, §3, §5.2, §6), not from
the engine: NB201 as nn.Modules with PyTorch's default init, a fresh init and a fresh augmented batch of 64 per
evaluation (flip, zero-padded crop, CIFAR-10 mean/std, true labels), BN in train mode;
  SynFlow  = Σ|θ ⊙ ∂R/∂θ| over conv+linear weights, |params|, float64, BN = identity, ones input (we print log);
  JacCor   = zero-cost-nas jacob_cov: −Σ[log(λ+1e−5) + 1/(λ+1e−5)], λ = eig(corrcoef(∂Σlogits/∂x));
  WRCor    = log|det Σ 2^cell (|corr A| + |corr G|)| over every module the reference's filter hooks (see RELU_ONLY
             below; legacy backward hooks; the in-place lastact ReLU contributes its post-ReLU map), NaN matrices skipped.
Each architecture is scored REPS times (seeds 0..REPS−1); the vote of every (candidate, conv1x1) pair of evaluations
is counted.

Usage: /usr/bin/python3 bench/sjw_vote_torch.py CIFAR10_BIN [REPS] [ARCH_FILE]
       /usr/bin/python3 bench/sjw_vote_torch.py --exact FILE.json   (ACor/GCor/RCor/WRCor of the engine's own weights
       and batch under both hook filters; used by tests/engine/proxies/reference-hooks-torch.test.ts)
(ARCH_FILE: one NB201 string per line, optional ' ACC' after it; default: the cells below). Prints one line per arch.
"""
import copy
import math
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

C11 = '|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|'
DEFAULT = [
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|',
    '|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|',
]
# The reference's hook filter is `'ReLU' in str(type(m))` over every module (notes §1.1). NB201's conv edge class is
# named ReLUConvBN (notes §1.1, §5.2), so the filter also matches it: its forward hook adds the edge input again, its
# legacy backward hook the gradient at the module's last op (BN). ZSNAS_TORCH_RELU_ONLY=1 hooks nn.ReLU modules only
# (what the notes describe: the engine's --mode paper; --mode reference reproduces the default, docs/reference-hooks.md).
import os
RELU_ONLY = os.environ.get('ZSNAS_TORCH_RELU_ONLY') == '1'
# seeds ZSNAS_TORCH_SEED0 .. ZSNAS_TORCH_SEED0 + REPS − 1 (default 0)
SEED0 = int(os.environ.get('ZSNAS_TORCH_SEED0', '0'))
MEAN = np.array([125.3, 123.0, 113.9]) / 255
STD = np.array([63.0, 62.1, 66.7]) / 255


class ReLUConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return self.op(x)


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


class Cell(nn.Module):
    def __init__(self, arch, c):
        super().__init__()
        self.ops = nn.ModuleList()
        self.src = []
        for j, group in enumerate(arch.strip('|').split('|+|')):
            for tok in group.split('|'):
                op, i = tok.split('~')
                m = {'none': Zero(), 'skip_connect': nn.Identity(), 'avg_pool_3x3': nn.AvgPool2d(3, 1, 1, count_include_pad=False),
                     'nor_conv_1x1': ReLUConvBN(c, c, 1, 1) if op == 'nor_conv_1x1' else None,
                     'nor_conv_3x3': ReLUConvBN(c, c, 3, 1) if op == 'nor_conv_3x3' else None}[op]
                self.ops.append(m)
                self.src.append((int(i), j + 1))

    def forward(self, x):
        nodes = [x, None, None, None]
        for m, (i, j) in zip(self.ops, self.src):
            o = m(nodes[i])
            nodes[j] = o if nodes[j] is None else nodes[j] + o
        return nodes[3]


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_a = ReLUConvBN(cin, cout, 3, 2)
        self.conv_b = ReLUConvBN(cout, cout, 3, 1)
        self.downsample = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class Net(nn.Module):
    def __init__(self, arch):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16))
        cells = []
        for s, c in enumerate((16, 32, 64)):
            if s > 0:
                cells.append(ResBlock(c // 2, c))
            cells += [Cell(arch, c) for _ in range(5)]
        self.cells = nn.ModuleList(cells)
        self.lastact = nn.Sequential(nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        h = self.stem(x)
        for c in self.cells:
            h = c(h)
        return self.classifier(self.lastact(h).mean(dim=(2, 3)))


def batch(images, labels, rng, n=64):
    idx = rng.choice(len(images), n, replace=False)
    out = np.zeros((n, 3, 32, 32), dtype=np.float64)
    for b, k in enumerate(idx):
        img = images[k]
        if rng.random() < 0.5:
            img = img[:, :, ::-1]
        pad = np.zeros((3, 40, 40), dtype=np.uint8)
        pad[:, 4:36, 4:36] = img
        dy, dx = rng.integers(0, 9, 2)
        out[b] = (pad[:, dy:dy + 32, dx:dx + 32] / 255.0 - MEAN[:, None, None]) / STD[:, None, None]
    return torch.tensor(out, dtype=torch.float32), torch.tensor(labels[idx], dtype=torch.long)


def synflow(net, shape):
    net = copy.deepcopy(net).double()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.forward = lambda x: x
    with torch.no_grad():
        for p in net.state_dict().values():
            p.abs_()
    net.zero_grad()
    net(torch.ones((1,) + shape, dtype=torch.float64)).sum().backward()
    s = sum((m.weight * m.weight.grad).abs().sum().item() for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))
    return math.log(s) if s > 0 else -math.inf


def jaccor(net, x):
    net = copy.deepcopy(net)
    x = x.clone().requires_grad_(True)
    y = net(x)
    y.backward(torch.ones_like(y))
    j = x.grad.reshape(x.shape[0], -1).numpy().astype(np.float64)
    with np.errstate(invalid='ignore', divide='ignore'):
        v = np.linalg.eig(np.corrcoef(j))[0]
    k = 1e-5
    return float(-np.sum(np.log(v + k) + 1.0 / (v + k)).real)


def wrcor(net, x, y):
    net = copy.deepcopy(net)
    n = x.shape[0]
    K = np.zeros((n, n))
    units = list(enumerate(net.cells)) + [(len(net.cells), net.lastact)]

    def add(t, w):
        with np.errstate(invalid='ignore', divide='ignore'):
            c = np.corrcoef(t.detach().reshape(n, -1).double().numpy())
        if not np.isnan(c).any():
            K[:] += w * np.abs(c)

    for u, unit in units:
        for m in unit.modules():
            if (isinstance(m, nn.ReLU) if RELU_ONLY else 'ReLU' in str(type(m))):
                w = 2.0 ** u
                m.register_forward_hook(lambda mod, inp, out, w=w: add(inp[0], w))
                m.register_backward_hook(lambda mod, gi, go, w=w: add(gi[0], w))
    F.cross_entropy(net(x), y).backward()
    return float(np.linalg.slogdet(K)[1])


def corr_family(net, x, y, relu_only):
    """ACor, GCor, RCor, WRCor of one pass (the four reference measures share one skeleton, notes §1): K over every
    module the filter hooks (relu_only: nn.ReLU; else 'ReLU' in the type name), forward hook = input[0], legacy
    backward hook = grad_input[0], NaN matrices skipped, weights 2^cell (WRCor) or 1; score = slogdet."""
    net = copy.deepcopy(net)
    n = x.shape[0]
    K = {k: np.zeros((n, n)) for k in ('acor', 'gcor', 'rcor', 'wrcor')}

    def add(t, w, kind):
        with np.errstate(invalid='ignore', divide='ignore'):
            c = np.corrcoef(t.detach().reshape(n, -1).double().numpy())
        if np.isnan(c).any():
            return
        a = np.abs(c)
        K[kind] += a
        K['rcor'] += a
        K['wrcor'] += w * a

    units = list(enumerate(net.cells)) + [(len(net.cells), net.lastact)]
    for u, unit in units:
        for m in unit.modules():
            if (isinstance(m, nn.ReLU) if relu_only else 'ReLU' in str(type(m))):
                m.register_forward_hook(lambda mod, inp, out, w=2.0 ** u: add(inp[0], w, 'acor'))
                m.register_backward_hook(lambda mod, gi, go, w=2.0 ** u: add(gi[0], w, 'gcor'))
    F.cross_entropy(net(x), y).backward()
    return {k: float(np.linalg.slogdet(v)[1]) for k, v in K.items()}


def load_engine_weights(net, params):
    """Copies the engine's initial parameters (name → {shape, data}: NHWC/HWIO conv [k,k,in,out], linear [in,out])
    into `net` (NCHW/OIHW); every engine parameter must be used exactly once."""
    used = set()

    def put(name, dst, layout):
        p = params[name]
        t = torch.tensor(np.array(p['data'], dtype=np.float32).reshape(p['shape']))
        t = t.permute(3, 2, 0, 1) if layout == 'conv' else (t.t() if layout == 'linear' else t)
        assert tuple(t.shape) == tuple(dst.shape), (name, tuple(t.shape), tuple(dst.shape))
        with torch.no_grad():
            dst.copy_(t)
        used.add(name)

    def rcb(prefix, m, conv):
        put(conv, m.op[1].weight, 'conv')
        put(prefix + '.bn.gamma', m.op[2].weight, 'vec')
        put(prefix + '.bn.beta', m.op[2].bias, 'vec')

    put('stem.conv', net.stem[0].weight, 'conv')
    put('stem.bn.gamma', net.stem[1].weight, 'vec')
    put('stem.bn.beta', net.stem[1].bias, 'vec')
    for b, c in enumerate(net.cells):
        if isinstance(c, ResBlock):
            rcb('cells.%d.conv_a' % b, c.conv_a, 'cells.%d.conv_a' % b)
            rcb('cells.%d.conv_b' % b, c.conv_b, 'cells.%d.conv_b' % b)
            put('cells.%d.shortcut' % b, c.downsample[1].weight, 'conv')
            continue
        for m, (i, j) in zip(c.ops, c.src):
            if isinstance(m, ReLUConvBN):
                e = 'cells.%d.edge%d%d' % (b, i, j)
                rcb(e, m, e + '.conv')
    put('lastact.bn.gamma', net.lastact[0].weight, 'vec')
    put('lastact.bn.beta', net.lastact[0].bias, 'vec')
    put('classifier.weight', net.classifier.weight, 'linear')
    put('classifier.bias', net.classifier.bias, 'vec')
    assert used == set(params), sorted(set(params) - used)


def exact(path):
    """--exact FILE.json: {arch, x (NHWC float32 values), shape [N,H,W,C], labels, params} written by the engine's
    test (tests/engine/proxies/reference-hooks-torch.test.ts) → one JSON line {reference: {...}, reluOnly: {...}}."""
    import json
    d = json.load(open(path))
    torch.manual_seed(0)
    net = Net(d['arch'])
    load_engine_weights(net, d['params'])
    x = torch.tensor(np.array(d['x'], dtype=np.float32).reshape(d['shape'])).permute(0, 3, 1, 2).contiguous()
    y = torch.tensor(d['labels'], dtype=torch.long)
    print(json.dumps({'reference': corr_family(net, x, y, False), 'reluOnly': corr_family(net, x, y, True)}))


def cmp(a, b):
    d = [p - q for p, q in zip(a, b)]
    pos = sum(1 for v in d if v > 0)
    neg = sum(1 for v in d if v < 0)
    return -1 if neg > 1.5 else (1 if pos > 1.5 else 0)


def main():
    if sys.argv[1] == '--exact':
        torch.set_num_threads(1)
        return exact(sys.argv[2])
    raw = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(-1, 3073)
    labels, images = raw[:, 0].astype(np.int64), raw[:, 1:].reshape(-1, 3, 32, 32)
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    archs = [l.split()[0] for l in open(sys.argv[3]) if l.strip()] if len(sys.argv) > 3 else DEFAULT
    torch.set_num_threads(1)
    scores = {}
    for a in [C11] + archs:
        scores[a] = []
        for r in range(SEED0, SEED0 + reps):
            torch.manual_seed(r)
            rng = np.random.default_rng(r)
            net = Net(a)
            x, y = batch(images, labels, rng)
            scores[a].append((synflow(net, (3, 32, 32)), jaccor(net, x), wrcor(net, x, y)))
        s = np.array(scores[a])
        print('%s  synflow %.3f±%.3f  jaccor %.3f±%.3f  wrcor %.3f±%.3f' % (a, s[:, 0].mean(), s[:, 0].std(ddof=1), s[:, 1].mean(),
              s[:, 1].std(ddof=1), s[:, 2].mean(), s[:, 2].std(ddof=1)), flush=True)
    for a in archs:
        res = [cmp(p, q) for p in scores[a] for q in scores[C11]]
        print('vs conv1x1: %s  wins %.2f  loses %.2f  ties %.2f' % (a, res.count(1) / len(res), res.count(-1) / len(res), res.count(0) / len(res)))


if __name__ == '__main__':
    main()
