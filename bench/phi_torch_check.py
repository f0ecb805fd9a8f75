"""Independent PyTorch check of Phi (issue #23; reference phi_score, notes §3): NB201 indices 0..N-1 built in
PyTorch with its own default init and its own Gaussian inputs (eps, eps' ~ N(0,1), batch 64, 32x32),
Phi = ||f(eps + 0.01 eps') - f(eps)||_1 of the pre-GAP map (lastact output), BN removed ('off', as phi_score) or in
training mode ('train', the phi_score_bn variant); prints Spearman rho against CIFAR-10 test accuracy.
Shares no code with the engine. Measured 2026-12-05: n = 20 off 0.007 (engine: -0.005), train 0.871;
n = 100 off -0.241, train 0.744; paper 0.703 (so the paper's Phi matches the BN-active variant).

    nice /usr/bin/python3 bench/phi_torch_check.py 20 off     # ~2 min per 20 cells on the loaded 2-core machine
    nice /usr/bin/python3 bench/phi_torch_check.py 1000 train 10   # every 10th index of 0..999 (zsnas evaluate --paper --stride 10)
"""
import os
import csv, sys, torch, torch.nn as nn, torch.nn.functional as F
def spearmanr(a, b):
    def rk(v):
        o = sorted(range(len(v)), key=lambda i: v[i]); r = [0.0] * len(v); i = 0
        while i < len(o):
            j = i
            while j + 1 < len(o) and v[o[j + 1]] == v[o[i]]: j += 1
            for k in range(i, j + 1): r[o[k]] = (i + j) / 2
            i = j + 1
        return r
    x, y = rk(a), rk(b); n = len(x); mx = sum(x) / n; my = sum(y) / n
    sxy = sum((p - mx) * (q - my) for p, q in zip(x, y)); sxx = sum((p - mx) ** 2 for p in x); syy = sum((q - my) ** 2 for q in y)
    class R: pass
    r = R(); r.correlation = sxy / (sxx * syy) ** 0.5; return r
torch.set_num_threads(1)
N = int(sys.argv[1]); BN = sys.argv[2] if len(sys.argv) > 2 else 'off'; STRIDE = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rows = list(csv.DictReader(open(os.path.join(os.environ.get('ZSNAS_SHARED_DATA', '../shared/data'), 'nb201', 'nats_bench_tss_test_acc.csv'))))[:N:STRIDE]
def norm(c): return nn.BatchNorm2d(c) if BN == 'train' else nn.Identity()
class RCB(nn.Module):
    def __init__(s, ci, co, k, st, p): super().__init__(); s.op = nn.Sequential(nn.ReLU(), nn.Conv2d(ci, co, k, st, p, bias=False), norm(co))
    def forward(s, x): return s.op(x)
class Zero(nn.Module):
    def forward(s, x): return x * 0.
class Cell(nn.Module):
    def __init__(s, arch, C):
        super().__init__(); s.edges = nn.ModuleDict(); s.arch = arch
        for j in range(1, 4):
            for i, op in enumerate(arch[j - 1]):
                s.edges[f'{j}<-{i}'] = {'none': Zero(), 'skip_connect': nn.Identity(), 'nor_conv_1x1': RCB(C, C, 1, 1, 0), 'nor_conv_3x3': RCB(C, C, 3, 1, 1), 'avg_pool_3x3': nn.AvgPool2d(3, 1, 1, count_include_pad=False)}[op]
    def forward(s, x):
        nodes = [x]
        for j in range(1, 4): nodes.append(sum(s.edges[f'{j}<-{i}'](nodes[i]) for i in range(j)))
        return nodes[-1]
class Res(nn.Module):
    def __init__(s, ci, co):
        super().__init__(); s.a = RCB(ci, co, 3, 2, 1); s.b = RCB(co, co, 3, 1, 1); s.sc = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(ci, co, 1, 1, 0, bias=False))
    def forward(s, x): return s.b(s.a(x)) + s.sc(x)
class Net(nn.Module):
    def __init__(s, arch):
        super().__init__(); L = [nn.Conv2d(3, 16, 3, padding=1, bias=False), norm(16)]; C = 16
        for st in range(3):
            if st: L.append(Res(C, C * 2)); C *= 2
            L += [Cell(arch, C) for _ in range(5)]
        L += [norm(C), nn.ReLU()]; s.f = nn.Sequential(*L)
    def forward(s, x): return s.f(x)  # pre-GAP
acc, phi = [], []
g = torch.Generator().manual_seed(0)
for i, r in enumerate(rows):
    arch = [[t.split('~')[0] for t in grp.strip('|').split('|')] for grp in r['ArchitectureString'].split('+')]
    torch.manual_seed(1000 + i)
    net = Net(arch)
    if BN == 'train': net.train()
    with torch.no_grad():
        e = torch.randn(64, 3, 32, 32, generator=g); e2 = torch.randn(64, 3, 32, 32, generator=g)
        phi.append((net(e + 0.01 * e2) - net(e)).abs().sum().item())
    acc.append(float(r['CIFAR10TestAccuracy200Epochs']))
    if (i + 1) % 10 == 0: print(f'  {i + 1}/{len(rows)}: spearman so far {spearmanr(acc, phi).correlation:.3f}', flush=True)
print(f'torch Phi (BN {BN}) indices 0..{N - 1} every {STRIDE}, n={len(rows)}: spearman {spearmanr(acc, phi).correlation:.3f}')
