"""Independent PyTorch/numpy WRCor for bench/wrcor-torch-check.ts (reads its files; see there)."""
import json, sys, os
import numpy as np
import torch
import torch.nn.functional as F

OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
out = sys.argv[1]
cases = json.load(open(os.path.join(out, 'cases.json')))
torch.set_default_dtype(torch.float32)


def load(c, name):
    meta = c['params'][name]
    a = np.fromfile(os.path.join(out, meta['file']), dtype=np.float32).reshape(meta['shape'])
    t = torch.from_numpy(a.copy())
    if t.dim() == 4:  # HWIO -> OIHW
        t = t.permute(3, 2, 0, 1).contiguous()
    elif t.dim() == 2:  # [in, out] -> [out, in]
        t = t.t().contiguous()
    return t


def run(c):
    arch = [[tok.split('~')[0] for tok in g.strip('|').split('|')] for g in c['arch'].split('+')]
    W = {n: load(c, n) for n in c['params']}
    x = torch.from_numpy(np.fromfile(os.path.join(out, c['x']), dtype=np.float32).reshape(c['xShape']).copy()).permute(0, 3, 1, 2)
    y = torch.tensor(c['labels'], dtype=torch.long)
    calls = []  # (block, inplace, pre, post, probe)

    def bn(h, p):
        return F.batch_norm(h, None, None, W[p + '.gamma'], W[p + '.beta'], training=True, eps=1e-5)

    def relu(h, block, inplace=False):
        probe = torch.zeros_like(h, requires_grad=True)
        pre = h + probe
        post = F.relu(pre)
        calls.append((block, inplace, pre.detach().clone(), post.detach().clone(), probe))
        return post

    h = bn(F.conv2d(x, W['stem.conv'], padding=1), 'stem.bn')
    block = 0
    for s in range(3):
        if s > 0:
            p = 'cells.%d' % block
            a = bn(F.conv2d(relu(h, block), W[p + '.conv_a'], stride=2, padding=1), p + '.conv_a.bn')
            b = bn(F.conv2d(relu(a, block), W[p + '.conv_b'], padding=1), p + '.conv_b.bn')
            h = F.conv2d(F.avg_pool2d(h, 2, 2), W[p + '.shortcut']) + b
            block += 1
        for _ in range(5):
            p = 'cells.%d' % block
            nodes = [h]
            for j in range(1, 4):
                tot = None
                for i, op in enumerate(arch[j - 1]):
                    inp = nodes[i]
                    if op == 'none':
                        o = inp * 0.0
                    elif op == 'skip_connect':
                        o = inp
                    elif op == 'avg_pool_3x3':
                        o = F.avg_pool2d(inp, 3, 1, 1, count_include_pad=False)
                    else:
                        k = 1 if op == 'nor_conv_1x1' else 3
                        e = '%s.edge%d%d' % (p, i, j)
                        o = bn(F.conv2d(relu(inp, block), W[e + '.conv'], padding=(k - 1) // 2), e + '.bn')
                    tot = o if tot is None else tot + o
                nodes.append(tot)
            h = nodes[3]
            block += 1
    h = relu(bn(h, 'lastact.bn'), block, inplace=True)
    logits = F.linear(h.mean(dim=(2, 3)), W['classifier.weight'], W['classifier.bias'])
    F.cross_entropy(logits, y).backward()

    n = x.shape[0]
    res = {}
    for mode in ['paper', 'reference']:
        K = {k: np.zeros((n, n)) for k in ['wrcor', 'rcor', 'acor']}
        for blk, inplace, pre, post, probe in calls:
            act = post if (mode == 'reference' and inplace) else pre
            mats = []
            with np.errstate(invalid='ignore', divide='ignore'):
                ca = np.corrcoef(act.reshape(n, -1).double().numpy())
                cg = np.corrcoef(probe.grad.reshape(n, -1).double().numpy())
            for kind, m in (('a', ca), ('g', cg)):
                if np.isnan(m).any():
                    continue
                m = np.abs(m)
                K['wrcor'] += 2.0 ** blk * m
                K['rcor'] += m
                if kind == 'a':
                    K['acor'] += m
        res[mode] = {k: float(np.linalg.slogdet(v)[1]) for k, v in K.items()}
    return res


worst = 0.0
for c in cases:
    r = run(c)
    print(c['arch'])
    for mode in ['paper', 'reference']:
        for k in ['wrcor', 'rcor', 'acor']:
            ours = float(c['scores'][mode][k])
            ref = r[mode][k]
            d = abs(ours - ref) if np.isfinite(ref) or np.isfinite(ours) and ours != ref else 0.0
            if not (np.isinf(ref) and ours == ref):
                worst = max(worst, d)
            print('  %-9s %-6s ours %12.6f  torch %12.6f  |diff| %.2e' % (mode, k, ours, ref, 0.0 if np.isinf(ref) and ours == ref else d))
print('max |diff| = %.3e' % worst)
