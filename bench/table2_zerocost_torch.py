"""Independent PyTorch ZeroCost on a spread NB201 subset (issue #23): is the paper's ZeroCost (0.775 on CIFAR-10) what
the reference's own definitions give, or does a faithful implementation rank higher, as the engine does?

No engine code: the NB201 nn.Modules, the augmented batch of 64, SynFlow and JacCor come from bench/sjw_vote_torch.py
(written from the reference notes); SNIP is added here from reference notes §3: Σ|W ⊙ ∂L/∂W| over conv+linear
weights, L = mean cross-entropy with the batch's true labels, BN in training mode. One fresh init and one fresh
batch per architecture, the same net and batch for the three members (notes §6). ZeroCost = the notebook's hard_vote
(notes §2.2: majority comparator, sorted(range(n), key=cmp_to_key(cmp)) in benchmark index order, position = score).
Rows are appended to CSV (re-running continues); prints member and vote Spearman rho vs CIFAR-10 test accuracy.

    nice /usr/bin/python3 bench/table2_zerocost_torch.py ../shared/data/cifar10/data_batch_1_first4000_exact.bin \
        --stride 10 --csv /tmp/zc-torch.csv [--limit-s 600]
"""
import argparse, csv, os, sys, time
from functools import cmp_to_key

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sjw_vote_torch import Net, batch, jaccor, synflow  # noqa: E402
from table2_vote_check import cmp_factory, spearman  # noqa: E402


def snip(net, x, y):
    net.zero_grad()
    F.cross_entropy(net(x), y).backward()
    return sum((m.weight * m.weight.grad).abs().sum().item() for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))


def jaccor_or_nan(net, x):
    """the reference's jacob_cov: an exception (e.g. NaN rows in corrcoef for a dead cell) gives NaN (notes §3)"""
    try:
        return jaccor(net, x)
    except Exception:
        return float('nan')


def order(m):
    """coarse to fine over positions 0..m-1 (as zsnas evaluate --paper --stride): every prefix spread over the range"""
    step = 1
    while step * 2 < m: step *= 2
    seen, out = set(), []
    while step >= 1:
        for p in range(0, m, step):
            if p not in seen: seen.add(p); out.append(p)
        step //= 2
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('cifar10'); ap.add_argument('--stride', type=int, default=10); ap.add_argument('--n', type=int, default=1000)
    ap.add_argument('--csv', default='/tmp/zc-torch.csv'); ap.add_argument('--limit-s', type=float, default=1e9)
    ap.add_argument('--report', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(1)
    table = list(csv.DictReader(open(os.path.join(os.environ.get('ZSNAS_SHARED_DATA', '../shared/data'), 'nb201', 'nats_bench_tss_test_acc.csv'))))
    raw = np.fromfile(a.cifar10, dtype=np.uint8).reshape(-1, 3073)
    labels, images = raw[:, 0].astype(np.int64), raw[:, 1:].reshape(-1, 3, 32, 32)
    if not os.path.exists(a.csv):
        open(a.csv, 'w').write('index,accuracy,synflow,jaccor,snip,seconds\n')
    done = {int(r['index']) for r in csv.DictReader(open(a.csv))}
    idx = list(range(0, a.n, a.stride))
    t0 = time.time()
    for p in ([] if a.report else order(len(idx))):
        i = idx[p]
        if i in done: continue
        if time.time() - t0 > a.limit_s: break
        t = time.time()
        torch.manual_seed(i)
        rng = np.random.default_rng(i)
        net = Net(table[i]['ArchitectureString'])
        x, y = batch(images, labels, rng)
        s = (synflow(net, (3, 32, 32)), jaccor_or_nan(net, x), snip(net, x, y))
        with open(a.csv, 'a') as f:
            f.write(f"{i},{table[i]['CIFAR10TestAccuracy200Epochs']},{s[0]!r},{s[1]!r},{s[2]!r},{time.time() - t:.2f}\n")
        print(f'{i}: synflow {s[0]:.3f} jaccor {s[1]:.1f} snip {s[2]:.3f} ({time.time() - t:.1f} s)', flush=True)
    rows = sorted(csv.DictReader(open(a.csv)), key=lambda r: int(r['index']))
    acc = [float(r['accuracy']) for r in rows]
    vals = [[float(r[m]) for r in rows] for m in ('synflow', 'jaccor', 'snip')]
    pos = [0.0] * len(rows)
    for k, j in enumerate(sorted(range(len(rows)), key=cmp_to_key(cmp_factory(vals)))): pos[j] = float(k)
    mem = ', '.join(f'{m} {spearman(v, acc)[0]:.3f}' for m, v in zip(('synflow', 'jaccor', 'snip'), vals))
    print(f'torch ZeroCost n={len(rows)} (every {a.stride}th index of 0..{a.n - 1}): rho {spearman(pos, acc)[0]:.3f} | {mem} | paper 0.775 (synflow 0.743, jaccor 0.726, snip 0.593)')


if __name__ == '__main__':
    main()
