#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw files of one benchmark run into its table and plot.

    analyze.py DIR

DIR is the run's folder (results/bench): scenarios.txt (one
NAME:SIZE_MIB:SPOTS:SPOT_KIB:MOVE_SECS[:STRIDE_KIB[:SEED]] a line) and raw/{ours,ref,idle}/NAME/
as harness/bench/guest.sh left them.  Writes DIR/table.md, DIR/cpu.dat and
DIR/summary.txt and prints the table.  Python's standard library only.

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
- CPU = kdamond CPU time per wall second over the untraced window; idle =
  CPU time of one idle page tracking pass (mark + read back) divided by
  the aggregation interval;
- speed = the workload's touch rate over the CPU window, relative to its
  rate in the few unmonitored seconds before monitoring started (same boot).
"""

import os
import re
import sys

EVENT = re.compile(r'\s(\d+\.\d+): damon_aggregated: target_id=\d+ '
                   r'nr_regions=(\d+) (\d+)-(\d+): (\d+)')
FOUND_RECALL = 0.9
MIN_PHASE_S = 2.0


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


def damon_result(d, move):
    """The measurements of one kernel in one scenario, or None."""
    run = read_kv(os.path.join(d, 'run.txt'))
    buf, phases, ticks, populate = read_workload(os.path.join(d, 'workload.txt'))
    if not buf or not phases or 'cpu_ns' not in run:
        return None
    res = {}
    wall = int(run['wall_ns'])
    res['cpu'] = int(run['cpu_ns']) / wall if wall > 0 else None
    tw = int(run.get('traced_wall_ns', 0))
    res['traced_cpu'] = int(run.get('traced_cpu_ns', 0)) / tw if tw > 0 else None
    t0, t1 = float(run['trace_start']), float(run['trace_end'])
    res['rate'] = rate(ticks, float(run['cpu_start']), float(run['cpu_end']))
    if 'base_start' in run:
        base = rate(ticks, float(run['base_start']), float(run['base_end']))
        res['speed'] = res['rate'] / base if res['rate'] and base else None
    res['populate'] = populate
    aggs = [a for a in read_aggregations(os.path.join(d, 'trace.txt'))
            if t0 <= a[0] <= t1 + 0.5]
    res['nr_aggs'] = len(aggs)
    if not aggs:
        return res

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
    res = {'populate': populate}
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


def fmt_pct(x):
    if x is None:
        return '-'
    if x >= 10:
        return '%.0f%%' % (100 * x)
    if x >= 0.1:
        return '%.1f%%' % (100 * x)
    return '%.2f%%' % (100 * x)


def fmt_num(x, digits=2):
    return '-' if x is None else '%.*f' % (digits, x)


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return '-'
    r = a / b
    return '%.3f' % r if r < 0.1 else '%.2f' % r


def fmt_found(found):
    if not found:
        return '-'
    words = [str(k) if k is not None else 'never' for k in found]
    if len(words) == 1:
        return words[0]
    return '/'.join(words)


def found_cmp(ours, ref):
    """ours/ref of the mean aggregations-to-find; - when either missed."""
    if not ours or not ref or None in ours or None in ref:
        if ours and None not in ours and ref and None in ref:
            return 'ref never'
        if ref and None not in ref and ours and None in ours:
            return 'ours never'
        return '-'
    return fmt_ratio(sum(ours) / len(ours), sum(ref) / len(ref))


def main():
    top = sys.argv[1]
    aggr_s = float(sys.argv[2]) / 1e6 if len(sys.argv) > 2 else 0.1
    scenarios = []
    with open(os.path.join(top, 'scenarios.txt')) as f:
        for line in f:
            if line.strip():
                # The stride and the seed (optional) are the workload's.
                name, size, spots, kib, move = line.strip().split(':')[:5]
                scenarios.append((name, int(size), int(spots), int(kib),
                                  int(move)))
    raw = os.path.join(top, 'raw')
    head = ['scenario', 'CPU ours', 'CPU ref', 'CPU idle-trk',
            'ours/ref CPU', 'ours/idle CPU',
            'prec ours', 'prec ref', 'ours/ref prec',
            'recall ours', 'recall ref', 'ours/ref recall',
            'found ours', 'found ref', 'ours/ref found',
            'regions ours', 'regions ref', 'speed ours', 'speed ref']
    rows, plot = [], []
    notes = []
    for name, size, spots, kib, move in scenarios:
        o = damon_result(os.path.join(raw, 'ours', name), move)
        r = damon_result(os.path.join(raw, 'ref', name), move)
        i = idle_result(os.path.join(raw, 'idle', name))
        o = o or {}
        r = r or {}
        idle_share = i['pass_ns'] / 1e9 / aggr_s if 'pass_ns' in i else None
        rows.append([
            name, fmt_pct(o.get('cpu')), fmt_pct(r.get('cpu')),
            fmt_pct(idle_share),
            fmt_ratio(o.get('cpu'), r.get('cpu')),
            fmt_ratio(o.get('cpu'), idle_share),
            fmt_num(o.get('precision')), fmt_num(r.get('precision')),
            fmt_ratio(o.get('precision'), r.get('precision')),
            fmt_num(o.get('recall')), fmt_num(r.get('recall')),
            fmt_ratio(o.get('recall'), r.get('recall')),
            fmt_found(o.get('found')), fmt_found(r.get('found')),
            found_cmp(o.get('found'), r.get('found')),
            fmt_num(o.get('regions'), 0), fmt_num(r.get('regions'), 0),
            fmt_num(o.get('speed')), fmt_num(r.get('speed')),
        ])
        if spots == 1 and kib == 16384 and not move:
            plot.append((size, o.get('cpu'), r.get('cpu'), idle_share))
        idle_pr = '-'
        if not move:
            idle_pr = 'precision over the whole process %s, recall %s' % (
                fmt_num(i.get('precision')), fmt_num(i.get('recall')))
        notes.append(
            '%s: idle tracking pass %s ms CPU over %s pages (%s); '
            'populate s idle/ref/ours %s/%s/%s; CPU with tracing on '
            'ours %s, ref %s; aggregations traced ours %s, ref %s; '
            'max regions ours %s, ref %s' % (
                name,
                fmt_num(i['pass_ns'] / 1e6, 1) if 'pass_ns' in i else '-',
                i.get('pages', '-'), idle_pr,
                fmt_num(i.get('populate'), 1), fmt_num(r.get('populate'), 1),
                fmt_num(o.get('populate'), 1),
                fmt_pct(o.get('traced_cpu')), fmt_pct(r.get('traced_cpu')),
                o.get('nr_aggs', '-'), r.get('nr_aggs', '-'),
                o.get('max_regions', '-'), r.get('max_regions', '-')))

    widths = [max(len(head[c]), *(len(row[c]) for row in rows))
              for c in range(len(head))]
    lines = ['| ' + ' | '.join(h.ljust(w) for h, w in zip(head, widths)) + ' |',
             '|' + '|'.join('-' * (w + 2) for w in widths) + '|']
    for row in rows:
        lines.append('| ' + ' | '.join(v.ljust(w) for v, w in zip(row, widths))
                     + ' |')
    summary = []
    pts = [p for p in plot if p[1] is not None]
    if len(pts) >= 2:
        summary.append('our CPU share, largest over smallest size (%d/%d MiB): %s'
                       % (pts[-1][0], pts[0][0], fmt_ratio(pts[-1][1], pts[0][1])))
        summary.append('reference CPU share, largest over smallest size: %s'
                       % fmt_ratio(pts[-1][2], pts[0][2]))
        summary.append('ours / idle page tracking CPU at %d MiB: %s'
                       % (pts[-1][0], fmt_ratio(pts[-1][1], pts[-1][3])))
    text = '\n'.join(lines + [''] + summary + [''] + notes) + '\n'
    with open(os.path.join(top, 'table.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(top, 'cpu.dat'), 'w') as f:
        f.write('# size_mib ours_share ref_share idle_share (fractions of a CPU)\n')
        for size, oc, rc, ic in plot:
            f.write('%d %s %s %s\n' % (size, *('NaN' if v is None else repr(v)
                                                for v in (oc, rc, ic))))
    sys.stdout.write(text)


if __name__ == '__main__':
    main()
