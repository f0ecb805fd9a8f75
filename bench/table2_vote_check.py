"""Independent check of the voting proxies' Table 2 numbers (issue #23, reference notes §2.1-§2.2, §7), sharing no
code with the engine: reads a `zsnas evaluate --paper` scores CSV, keeps the rows of a subset (every STRIDE-th index
from OFFSET, optionally only indices < N), and ranks each vote as the reference notebook's `hard_vote` does: the
majority comparator on raw member values (d_k = m_k(x) - m_k(y), x wins iff #{d_k > 0} > M/2, NaN counts as neither),
`sorted(range(n), key=cmp_to_key(cmp))` with CPython's own sort over the rows in BENCHMARK INDEX ORDER, score =
position. Prints Spearman rho (average ranks; NaN pairs dropped, -inf kept, as scipy nan_policy='omit') of each
member and vote, the members' rank correlations with each other, and how the vote's pairwise decisions split
(3-0 / 2-1 / tie) -- a vote rises above its members when their errors are weakly correlated.

    /usr/bin/python3 bench/table2_vote_check.py /tmp/lead-a/table2/scores-cifar10.csv --stride 10
"""
import argparse, csv, json, math
from functools import cmp_to_key

VOTES = {'zerocost': ['synflow', 'jaccor', 'snip'], 'sjw': ['synflow', 'jaccor', 'wrcor'], 'spw': ['synflow', 'pnorm', 'wrcor']}


def ranks(v):
    o = sorted(range(len(v)), key=lambda i: v[i]); r = [0.0] * len(v); i = 0
    while i < len(o):
        j = i
        while j + 1 < len(o) and v[o[j + 1]] == v[o[i]]: j += 1
        for k in range(i, j + 1): r[o[k]] = (i + j) / 2
        i = j + 1
    return r


def spearman(a, b):
    pairs = [(x, y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    if len(pairs) < 3: return float('nan'), len(pairs)
    x = ranks([p[0] for p in pairs]); y = ranks([p[1] for p in pairs]); n = len(x)
    mx = sum(x) / n; my = sum(y) / n
    sxy = sum((p - mx) * (q - my) for p, q in zip(x, y)); sxx = sum((p - mx) ** 2 for p in x); syy = sum((q - my) ** 2 for q in y)
    return sxy / math.sqrt(sxx * syy), n


def cmp_factory(vals):
    def cmp(i, j):
        pos = neg = 0
        for m in vals:
            d = m[i] - m[j]
            if d > 0: pos += 1
            elif d < 0: neg += 1
        half = len(vals) / 2
        return -1 if neg > half else (1 if pos > half else 0)
    return cmp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('csv'); ap.add_argument('--stride', type=int, default=1); ap.add_argument('--offset', type=int, default=0)
    ap.add_argument('--below', type=int, default=None, help='only indices < BELOW')
    ap.add_argument('--json', action='store_true', help='print {vote: {rho, positions (index order)}} as one JSON line instead')
    a = ap.parse_args()
    rows = [r for r in csv.DictReader(open(a.csv)) if int(r['index']) % a.stride == a.offset and (a.below is None or int(r['index']) < a.below)]
    rows.sort(key=lambda r: int(r['index']))  # the notebook's input order: benchmark index order
    acc = [float(r['accuracy']) for r in rows]
    col = lambda p: [float(r[p]) if r[p] != '' else float('nan') for r in rows]
    out = {}
    if not a.json: print(f'{a.csv}: {len(rows)} rows (every {a.stride}th index from {a.offset}{"" if a.below is None else f", < {a.below}"})')
    for vote, members in VOTES.items():
        if any(rows and rows[0].get(m, '') == '' for m in members):
            continue
        vals = [col(m) for m in members]
        order = sorted(range(len(rows)), key=cmp_to_key(cmp_factory(vals)))
        pos = [0.0] * len(rows)
        for p, i in enumerate(order): pos[i] = float(p)
        cmp = cmp_factory(vals); split = {'3-0': 0, '2-1': 0, 'tie': 0}
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                c = cmp(i, j)
                if c == 0: split['tie'] += 1; continue
                agree = sum(1 for m in vals if (m[i] - m[j]) * c > 0)
                split['3-0' if agree == 3 else '2-1'] += 1
        rho, n = spearman(pos, acc)
        out[vote] = {'rho': rho, 'n': n, 'positions': pos}
        if a.json: continue
        mem = ', '.join(f'{m} {spearman(v, acc)[0]:.3f}' for m, v in zip(members, vals))
        inter = ', '.join(f'{members[x]}~{members[y]} {spearman(vals[x], vals[y])[0]:.2f}' for x in range(3) for y in range(x + 1, 3))
        tot = sum(split.values())
        print(f'  {vote:9s} rho {rho:.3f} (n {n}) | members: {mem} | member rank corr: {inter} | pairs 3-0 {split["3-0"] / tot:.2f}, 2-1 {split["2-1"] / tot:.2f}, tie {split["tie"] / tot:.2f}')
    if a.json: print(json.dumps(out))


if __name__ == '__main__':
    main()
