#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw files of one benchmark run into its table and plot.

    analyze.py DIR [AGGR_US]

DIR is the run's folder (results/bench): scenarios.txt (one
NAME:SIZE_MIB:SPOTS:SPOT_KIB:MOVE_SECS[:STRIDE_KIB[:SEED]] a line) and
raw/{ours,ref,idle}/NAME/ as harness/bench/guest.sh left them, with
raw/ours-K and raw/ref-K for the K-th pair of boots of bench.sh --repeat.
Writes DIR/table.md, DIR/cpu.dat and DIR/summary.txt and prints the table.
Python's standard library only.

Definitions (see the README's benchmark section):
- an aggregation is one burst of damon_aggregated events; a region counts
  as accessed when its nr_accesses > 0;
- only the workload's buffer is scored: accessed bytes are the bytes of
  accessed regions inside the buffer (the truth about libraries and stack
  is unknown), hot bytes those of the spots the workload reported;
- precision = hot bytes in accessed regions / accessed bytes, recall = hot
  bytes in accessed regions / hot bytes, both as sums over the steady
  aggregations (the last half of the traced window, or of each position of
  a moving spot);
- found = aggregations from the start of monitoring (from each move) until
  recall >= 0.9 for the first time; "never" when it did not happen; a
  position held for less than 2 s of the traced window is not scored;
- CPU is the kdamond's CPU time (schedstat), over two windows: "steady",
  the untraced window at the end, and "from on", the whole time from "on"
  (the traced window, the search and the tracepoint's cost included, then
  the untraced one); per wall second (a share of one CPU) and per
  aggregation completed in the window.  The traced window's aggregations
  are counted in the trace; the untraced window's are not traced, and are
  counted by the kdamond's sleeps (voluntary context switches), at the
  sleeps per aggregation of the last half of the traced window; where
  that fails, by its wall time over the mean aggregation period of that
  half (which tracing may stretch);
- idle = CPU time of one idle page tracking pass (mark + read back),
  divided by the aggregation interval for the share per wall second;
- speed = the workload's touch rate over the CPU window, relative to its
  rate in the few unmonitored seconds before monitoring started (same boot);
- ratios are ours over ref of the same pair of boots; over several pairs,
  each figure is their median and each ratio the median of the pairs'
  ratios, with the smallest and largest in brackets.
"""

import os
import re
import sys

EVENT = re.compile(r'\s(\d+\.\d+): damon_aggregated: target_id=\d+ '
                   r'nr_regions=(\d+) (\d+)-(\d+): (\d+)')
FOUND_RECALL = 0.9
FOUND_AGGS = 30
MIN_PHASE_S = 2.0
BASE_SCENARIO = 'hot16-128M'


def read_kv(path):
    kv = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split(None, 1)
                if len(parts) == 2:
                    kv[parts[0]] = parts[1].strip()
    except OSError:
        pass
    return kv


def read_samples(path):
    """[(uptime, cpu_ns, voluntary switches)...] of the kdamond."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) == 4 and w[0] == 'sample':
                    out.append((float(w[1]), int(w[2]), int(w[3])))
    except (OSError, ValueError):
        pass
    return out


def read_workload(path):
    """buffer (start, end), [(t, [(s, e)...])...] hot phases, [(t, n)] ticks."""
    buf, phases, ticks, populate = None, [], [], None
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if not w:
                    continue
                if w[0] == 'buffer':
                    buf = (int(w[1], 16), int(w[2], 16))
                elif w[0] == 'populated':
                    populate = float(w[2])
                elif w[0] == 'hot':
                    spans = [(int(w[i], 16), int(w[i + 1], 16))
                             for i in range(2, len(w) - 1, 2)]
                    phases.append((float(w[1]), spans))
                elif w[0] in ('tick', 'done'):
                    ticks.append((float(w[1]), int(w[2])))
    except OSError:
        pass
    return buf, phases, ticks, populate


def read_aggregations(path):
    """[(t, nr_regions, [(start, end, nr_accesses)...])...] in time order."""
    aggs = []
    cur = None
    last_t = last_start = None
    try:
        f = open(path, errors='replace')
    except OSError:
        return aggs
    with f:
        for line in f:
            m = EVENT.search(line)
            if not m:
                continue
            t = float(m.group(1))
            nr = int(m.group(2))
            s, e, acc = int(m.group(3)), int(m.group(4)), int(m.group(5))
            if cur is None or s <= last_start or t - last_t > 0.03:
                cur = [t, nr, []]
                aggs.append(cur)
            cur[2].append((s, e, acc))
            last_t, last_start = t, s
    return aggs


def overlap(a, b, c, d):
    return max(0, min(b, d) - max(a, c))


def score(regions, buf, spots):
    """(hot bytes in accessed regions, accessed bytes in the buffer)."""
    hit = acc = 0
    for s, e, n in regions:
        if n <= 0:
            continue
        acc += overlap(s, e, buf[0], buf[1])
        for hs, he in spots:
            hit += overlap(s, e, hs, he)
    return hit, acc


def rate(ticks, t0, t1):
    inside = [x for x in ticks if t0 <= x[0] <= t1]
    if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
        return None
    return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


def nearest(samples, t):
    return min(samples, key=lambda x: abs(x[0] - t)) if samples else None


def untraced_aggregations(res, aggs, samples, t_mid, t1, t2, wall_s):
    """Estimate the aggregations of the untraced window (t1, t2]."""
    steady = [a[0] for a in aggs if a[0] > t_mid]
    if len(steady) >= 2:
        period = (steady[-1] - steady[0]) / (len(steady) - 1)
        res['aggs_by_period'] = wall_s / period if period > 0 else None
    a, b, c = nearest(samples, t_mid), nearest(samples, t1), \
        nearest(samples, t2)
    if a and b and c and min(a[2], b[2], c[2]) >= 0 and a[0] < b[0] < c[0]:
        n = len([x for x in aggs if a[0] < x[0] <= b[0]])
        if n >= 2 and b[2] > a[2]:
            res['sleeps_per_agg'] = (b[2] - a[2]) / n
            res['aggs_by_sleeps'] = (c[2] - b[2]) / res['sleeps_per_agg']
    if res.get('aggs_by_sleeps') is not None:
        return res['aggs_by_sleeps']
    return res.get('aggs_by_period')


def damon_result(d):
    """The measurements of one kernel in one scenario, or None."""
    run = read_kv(os.path.join(d, 'run.txt'))
    buf, phases, ticks, populate = read_workload(os.path.join(d, 'workload.txt'))
    if not buf or not phases or 'cpu_ns' not in run:
        return None
    res = {}
    wall = int(run['wall_ns'])
    cpu = int(run['cpu_ns'])
    tw = int(run.get('traced_wall_ns', 0))
    tcpu = int(run.get('traced_cpu_ns', 0))
    res['cpu'] = cpu / wall if wall > 0 else None
    res['traced_cpu'] = tcpu / tw if tw > 0 else None
    res['on_cpu'] = (tcpu + cpu) / (tw + wall) if tw > 0 and wall > 0 \
        else None
    t0, t1 = float(run['trace_start']), float(run['trace_end'])
    t2 = float(run['cpu_end'])
    res['rate'] = rate(ticks, float(run['cpu_start']), t2)
    if 'base_start' in run:
        base = rate(ticks, float(run['base_start']), float(run['base_end']))
        res['speed'] = res['rate'] / base if res['rate'] and base else None
    res['populate'] = populate
    aggs = [a for a in read_aggregations(os.path.join(d, 'trace.txt'))
            if t0 <= a[0] <= t1 + 0.5]
    res['nr_aggs'] = len(aggs)
    if not aggs:
        return res

    n_untraced = untraced_aggregations(
        res, aggs, read_samples(os.path.join(d, 'run.txt')),
        t0 + (t1 - t0) / 2, t1, t2, wall / 1e9)
    if n_untraced:
        res['untraced_aggs'] = n_untraced
        res['cpu_per_agg'] = cpu / 1e9 / n_untraced
        res['on_cpu_per_agg'] = (tcpu + cpu) / 1e9 / (len(aggs) + n_untraced)

    def spots_at(t):
        cur = phases[0][1]
        for pt, sp in phases:
            if pt <= t:
                cur = sp
        return cur

    # Phases as seen by the monitor: from the start of monitoring, then
    # from each move inside the traced window.
    starts = [t0] + [pt for pt, _ in phases[1:] if t0 < pt < t1]
    ends = starts[1:] + [t1]
    hit = acc = hot = 0
    regions = []
    found = []
    for ps, pe in zip(starts, ends):
        if pe - ps < MIN_PHASE_S and len(starts) > 1:
            continue    # a move just after the start, or just before the end
        mine = [a for a in aggs if ps < a[0] <= pe]
        steady_from = ps + (pe - ps) / 2
        k = None
        for i, a in enumerate(mine):
            sp = spots_at(a[0])
            h, c = score(a[2], buf, sp)
            size = sum(e - s for s, e in sp)
            if k is None and size and h / size >= FOUND_RECALL:
                k = i + 1
            if a[0] >= steady_from:
                hit += h
                acc += c
                hot += size
                regions.append(a[1])
        found.append(k)
    res['precision'] = hit / acc if acc else None
    res['recall'] = hit / hot if hot else None
    res['regions'] = sum(regions) / len(regions) if regions else None
    res['max_regions'] = max(a[1] for a in aggs)
    res['found'] = found
    return res


def idle_result(d):
    run = read_kv(os.path.join(d, 'run.txt'))
    _, _, ticks, populate = read_workload(os.path.join(d, 'workload.txt'))
    res = {'populate': populate, 'passes': run.get('idle_passes')}
    if 'cpu_start' in run:
        res['rate'] = rate(ticks, float(run['cpu_start']),
                           float(run['cpu_end']))
    passes = []
    try:
        with open(os.path.join(d, 'idle.txt')) as f:
            for line in f:
                w = line.split()
                if w and w[0] == 'pass':
                    kv = dict(zip(w[2::2], (int(x) for x in w[3::2])))
                    passes.append(kv)
    except OSError:
        pass
    if passes:
        cpu = sorted(p['mark_ns'] + p['read_ns'] for p in passes)
        res['pass_ns'] = cpu[len(cpu) // 2]
        res['pages'] = passes[-1]['pages']
        hot = sum(p['hot'] for p in passes)
        acc = sum(p['accessed'] for p in passes)
        hit = sum(p['hot_accessed'] for p in passes)
        res['recall'] = hit / hot if hot else None
        res['precision'] = hit / acc if acc else None
    return res


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def fmt_pct(x):
    if x is None:
        return '-'
    if x >= 10:
        return '%.0f%%' % (100 * x)
    if x >= 0.1:
        return '%.1f%%' % (100 * x)
    return '%.2f%%' % (100 * x)


def fmt_ms(x):
    if x is None:
        return '-'
    x *= 1e3
    return '%.0f' % x if x >= 100 else '%.1f' % x if x >= 1 else '%.2f' % x


def fmt_num(x, digits=2):
    return '-' if x is None else '%.*f' % (digits, x)


def fmt_r(r):
    if r is None:
        return '-'
    return '%.3f' % r if r < 0.1 else '%.2f' % r


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ratios(rs):
    """The median of some ratios, and their range when there are several."""
    rs = [r for r in rs if r is not None]
    if not rs:
        return '-'
    if len(rs) == 1:
        return fmt_r(rs[0])
    return '%s (%s-%s)' % (fmt_r(median(rs)), fmt_r(min(rs)), fmt_r(max(rs)))


def fmt_found(found):
    if not found:
        return '-'
    return '/'.join(str(k) if k is not None else 'never' for k in found)


def runs_of(raw):
    """The indices of the pairs of boots of ours and ref: 1, 2, ..."""
    runs = [1]
    k = 2
    while os.path.isdir(os.path.join(raw, 'ours-%d' % k)) and \
            os.path.isdir(os.path.join(raw, 'ref-%d' % k)):
        runs.append(k)
        k += 1
    return runs


def table(head, rows):
    widths = [max(len(head[c]), *(len(row[c]) for row in rows))
              for c in range(len(head))]
    lines = ['| ' + ' | '.join(h.ljust(w) for h, w in zip(head, widths)) + ' |',
             '|' + '|'.join('-' * (w + 2) for w in widths) + '|']
    for row in rows:
        lines.append('| ' + ' | '.join(v.ljust(w) for v, w in zip(row, widths))
                     + ' |')
    return lines


CPU_KEYS = (('cpu', 'steady CPU/s'), ('cpu_per_agg', 'steady CPU/aggr'),
            ('on_cpu', 'from-on CPU/s'), ('on_cpu_per_agg', 'from-on CPU/aggr'))


def main():
    top = sys.argv[1]
    aggr_s = float(sys.argv[2]) / 1e6 if len(sys.argv) > 2 else 0.1
    scenarios = []
    with open(os.path.join(top, 'scenarios.txt')) as f:
        for line in f:
            if line.strip():
                w = line.strip().split(':')
                w += ['0', ''][len(w) - 5:]
                scenarios.append((w[0], *(int(x or 0) for x in w[1:6]), w[6]))
    raw = os.path.join(top, 'raw')
    runs = runs_of(raw)
    sfx = ['' if k == 1 else '-%d' % k for k in runs]
    acc_head = ['scenario', 'found ours', 'found ref', 'prec ours',
                'prec ref', 'ours/ref prec', 'recall ours', 'recall ref',
                'ours/ref recall', 'regions ours', 'regions ref',
                'speed ours', 'speed ref']
    cpu_head = ['scenario']
    for _, title in CPU_KEYS:
        cpu_head += ['%s ours / ref%s' % (title,
                                          ' (ms)' if 'aggr' in title else ''),
                     'ratio']
    cpu_head += ['idle-trk CPU/s, pass (ms)', 'ours/idle CPU/s']
    acc_rows, cpu_rows, plot, notes = [], [], [], []
    ratios = {key: {} for key, _ in CPU_KEYS}
    ours_cpu = {}
    found_ok = found_all = 0
    for name, size, spots, kib, move, stride, seed in scenarios:
        os_ = [damon_result(os.path.join(raw, 'ours' + s, name)) or {}
               for s in sfx]
        rs = [damon_result(os.path.join(raw, 'ref' + s, name)) or {}
              for s in sfx]
        i = idle_result(os.path.join(raw, 'idle', name))

        def med(results, key):
            return median(x.get(key) for x in results)

        def per_run(key):
            return [ratio(o.get(key), r.get(key)) for o, r in zip(os_, rs)]

        def found_all_runs(results):
            return ','.join(fmt_found(x.get('found')) for x in results)

        idle_share = i['pass_ns'] / 1e9 / aggr_s if 'pass_ns' in i else None
        acc_rows.append([
            name, found_all_runs(os_), found_all_runs(rs),
            fmt_num(med(os_, 'precision')), fmt_num(med(rs, 'precision')),
            fmt_ratios(per_run('precision')),
            fmt_num(med(os_, 'recall')), fmt_num(med(rs, 'recall')),
            fmt_ratios(per_run('recall')),
            fmt_num(med(os_, 'regions'), 0), fmt_num(med(rs, 'regions'), 0),
            fmt_num(med(os_, 'speed')), fmt_num(med(rs, 'speed')),
        ])
        for o in os_:
            for k in o.get('found') or []:
                found_all += 1
                found_ok += k is not None and k <= FOUND_AGGS
        row = [name]
        for key, title in CPU_KEYS:
            f = fmt_ms if 'aggr' in title else fmt_pct
            row += ['%s / %s' % (f(med(os_, key)), f(med(rs, key))),
                    fmt_ratios(per_run(key))]
            ratios[key][name] = median(per_run(key))
        ours_cpu[name] = {key: med(os_, key) for key, _ in CPU_KEYS}
        idle_ms = i['pass_ns'] / 1e9 if 'pass_ns' in i else None
        row += ['%s, %s' % (fmt_pct(idle_share), fmt_ms(idle_ms)),
                fmt_ratios([ratio(o.get('cpu'), idle_share) for o in os_])]
        cpu_rows.append(row)
        plot.append((size, med(os_, 'cpu'), med(rs, 'cpu'), idle_share,
                     med(os_, 'cpu_per_agg'), med(rs, 'cpu_per_agg'),
                     idle_ms, name,
                     spots == 1 and kib == 16384 and not move and not stride))
        idle_pr = '-'
        if not move:
            idle_pr = 'precision over the whole process %s, recall %s' % (
                fmt_num(i.get('precision')), fmt_num(i.get('recall')))
        o, r = os_[0], rs[0]
        notes.append(
            '%s: idle tracking pass %s ms CPU over %s pages (%s; %s passes); '
            'populate s idle/ref/ours %s/%s/%s; CPU with tracing on '
            'ours %s, ref %s; aggregations traced ours %s, ref %s; '
            'untraced ours %s, ref %s (by sleeps, at %s and %s sleeps an '
            'aggregation; by period %s and %s); max regions ours %s, ref %s'
            % (name,
               fmt_num(i['pass_ns'] / 1e6, 1) if 'pass_ns' in i else '-',
               i.get('pages', '-'), idle_pr, i.get('passes') or '-',
               fmt_num(i.get('populate'), 1), fmt_num(r.get('populate'), 1),
               fmt_num(o.get('populate'), 1),
               fmt_pct(o.get('traced_cpu')), fmt_pct(r.get('traced_cpu')),
               o.get('nr_aggs', '-'), r.get('nr_aggs', '-'),
               fmt_num(o.get('aggs_by_sleeps'), 0),
               fmt_num(r.get('aggs_by_sleeps'), 0),
               fmt_num(o.get('sleeps_per_agg'), 1),
               fmt_num(r.get('sleeps_per_agg'), 1),
               fmt_num(o.get('aggs_by_period'), 0),
               fmt_num(r.get('aggs_by_period'), 0),
               o.get('max_regions', '-'), r.get('max_regions', '-')))
        if len(runs) > 1:
            notes[-1] += ' (notes of the first pair of boots)'

    summary = []
    if len(runs) > 1:
        summary.append('%d pairs of boots: figures are medians, ratios '
                       'median (min-max) over the pairs' % len(runs))
    for key, title in CPU_KEYS:
        vals = [v for v in ratios[key].values() if v is not None]
        if vals:
            worst = max(ratios[key], key=lambda n: ratios[key][n] or 0)
            summary.append('ours/ref %s: median over %d scenarios %s, '
                           'largest %s (%s)' % (
                               title, len(vals), fmt_r(median(vals)),
                               fmt_r(ratios[key][worst]), worst))
    sparse = [s for s in scenarios if s[5]]
    if sparse and BASE_SCENARIO in ours_cpu:
        big = max(sparse, key=lambda s: s[1])[0]
        summary.append('ours at %s over ours at %s: %s' % (
            big, BASE_SCENARIO, ', '.join(
                '%s %s' % (title, fmt_r(ratio(ours_cpu[big][key],
                                              ours_cpu[BASE_SCENARIO][key])))
                for key, title in CPU_KEYS)))
    if found_all:
        summary.append('ours: recall >= %.1f within %d aggregations in %d of '
                       '%d scenario positions (all boots)' % (
                           FOUND_RECALL, FOUND_AGGS, found_ok, found_all))
    line = sorted((p for p in plot if p[8] and p[1] is not None),
                  key=lambda p: p[0])
    if len(line) >= 2:
        summary.append('our CPU share, largest over smallest size (%d/%d MiB): %s'
                       % (line[-1][0], line[0][0], fmt_r(ratio(line[-1][1], line[0][1]))))
        summary.append('reference CPU share, largest over smallest size: %s'
                       % fmt_r(ratio(line[-1][2], line[0][2])))
        summary.append('ours / idle page tracking CPU at %d MiB: %s'
                       % (line[-1][0], fmt_r(ratio(line[-1][1], line[-1][3]))))
    legend = [
        'CPU/s: kdamond CPU per wall second; CPU/aggr: kdamond CPU ms per '
        'aggregation completed; steady: the untraced window at the end; '
        'from on: from "on" to the end (search and tracepoint included). '
        'Aggregations of the untraced window are estimated from the '
        'kdamond\'s sleeps (see the notes). Ratios: ours over ref. '
        'idle-trk: one idle page tracking pass (the median of 3, of 2 over '
        '1 GiB, a single one over 64 GiB: it reads the pagemap of the whole '
        'buffer), CPU/s as if one per %g ms.' % (aggr_s * 1e3)]
    text = '\n'.join(table(acc_head, acc_rows) + [''] +
                     table(cpu_head, cpu_rows) + [''] + legend + [''] +
                     summary + [''] + notes) + '\n'
    with open(os.path.join(top, 'table.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(top, 'summary.txt'), 'w') as f:
        f.write('\n'.join(summary) + '\n')

    def num(v):
        return 'NaN' if v is None else repr(v)

    # Two blocks for gnuplot: the one hot range at growing sizes (a line),
    # then every other scenario (points with their names).
    with open(os.path.join(top, 'cpu.dat'), 'w') as f:
        f.write('# size_mib ours_share ref_share idle_share ours_s_per_aggr '
                'ref_s_per_aggr idle_s_per_pass name\n')
        for block in (True, False):
            for p in sorted((p for p in plot if p[8] == block),
                            key=lambda p: (p[0], p[7])):
                f.write('%d %s %s\n' % (p[0], ' '.join(num(v) for v in p[1:7]),
                                        p[7]))
            f.write('\n\n')
    sys.stdout.write(text)


if __name__ == '__main__':
    main()
