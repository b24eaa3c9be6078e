#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a DAMON record file (format version 2, little-endian).

  _chk_record.py FILE --attrs "S A U MIN MAX" [--pid PID]... [--stats "R D B"]
                 [--dropped-ok] [--empty-ok] [--runs N]
                 [--hot START-END [--min-hot F] [--last N]
                  [--buffer START-END [--max-cold F]]] [--trace TRACE]

Parses the whole file strictly: one header, then whole snapshots up to the
end.  Checks monotonic times, the targets (their PIDs if given), region
counts, sorted non-overlapping regions with start < end, and nr_accesses
<= aggr/sample * 1.15.  With --stats (record_stats' content): nothing
dropped and one snapshot per recorded aggregation.  With --hot: in the
best of the last N snapshots (default 5), at least F (default 0.9) of the
hot range lies in regions with nr_accesses > 0; with --max-cold, in the
best of them at most F of the rest of the buffer does.  With --trace (the
tracefs text of the damon:damon_aggregated events of the same run): the
events form whole aggregations, as many as the file has snapshots, each
with the same targets and regions (start, end, nr_accesses) as its
snapshot.  --dropped-ok lets record_stats count drops (the snapshots must
still be as many as it recorded); --empty-ok lets a target have no region;
--runs N takes a file of N runs (headers), any of them maybe without
snapshots.  Prints '#' lines; exits 0 or 1.
"""
import argparse
import re
import struct
import sys

MAGIC = b'damon_recfmt_ver'


class BadRecord(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data, self.off = data, 0

    def take(self, fmt):
        size = struct.calcsize(fmt)
        if self.off + size > len(self.data):
            raise BadRecord(f'truncated at byte {self.off}: need {size} more')
        vals = struct.unpack_from(fmt, self.data, self.off)
        self.off += size
        return vals if len(vals) > 1 else vals[0]

    def done(self):
        return self.off == len(self.data)


def parse(data, runs=None):
    """Return [(time_ns, [(target_id, [(start, end, nr_accesses)])])].

    With a list as runs, a file of several runs is accepted: the list gets
    the index of the first snapshot of each run.
    """
    r = Reader(data)
    if r.take('<16s') != MAGIC:
        raise BadRecord('no "damon_recfmt_ver" header')
    version = r.take('<I')
    if version != 2:
        raise BadRecord(f'format version {version}, want 2')
    snapshots = []
    if runs is not None:
        runs.append(0)
    while not r.done():
        at = r.off
        if data[at:at + len(MAGIC)] == MAGIC:
            if runs is None:
                raise BadRecord(f'a second header at byte {at}')
            r.take('<16s')
            version = r.take('<I')
            if version != 2:
                raise BadRecord(f'header at byte {at}: version {version}')
            runs.append(len(snapshots))
            continue
        sec, nsec = r.take('<QQ')
        if nsec >= 10**9:
            raise BadRecord(f'snapshot at byte {at}: tv_nsec {nsec}')
        targets = []
        for _ in range(r.take('<I')):
            tid, nr = r.take('<QI')
            targets.append((tid, [r.take('<QQI') for _ in range(nr)]))
        snapshots.append((sec * 10**9 + nsec, targets))
    return snapshots


def check_snapshots(snaps, attrs, pids, min_nr=1):
    sample, aggr, _, _, max_nr = attrs
    max_acc = aggr / sample * 1.15
    errors = []
    prev = None
    for i, (t, targets) in enumerate(snaps):
        where = f'snapshot {i}'
        if prev is not None and t < prev:
            errors.append(f'{where}: time goes back ({t} < {prev})')
        prev = t
        ids = [tid for tid, _ in targets]
        if pids and sorted(ids) != sorted(pids):
            errors.append(f'{where}: target ids {ids}, want {pids}')
        for tid, regions in targets:
            if not min_nr <= len(regions) <= max_nr:
                errors.append(f'{where} target {tid}: {len(regions)} regions')
            last_end = 0
            for start, end, acc in regions:
                if not start < end:
                    errors.append(f'{where}: region {start:#x}-{end:#x} empty')
                if start < last_end:
                    errors.append(f'{where}: region {start:#x}-{end:#x} '
                                  f'unsorted or overlapping')
                if acc > max_acc:
                    errors.append(f'{where}: nr_accesses {acc} > {max_acc:.1f}')
                last_end = end
    return errors


def accessed_bytes(regions, lo, hi):
    """Bytes of [lo, hi) in regions with nr_accesses > 0."""
    return sum(max(0, min(end, hi) - max(start, lo))
               for start, end, acc in regions if acc > 0)


def check_hot(snaps, hot, buf, last, min_hot, max_cold):
    """Best of the last snapshots: hot range found, rest of buffer idle."""
    best_hot, best_cold = 0.0, 1.0
    for i in range(max(0, len(snaps) - last), len(snaps)):
        regions = [reg for _, regs in snaps[i][1] for reg in regs]
        hot_frac = accessed_bytes(regions, *hot) / (hot[1] - hot[0])
        best_hot = max(best_hot, hot_frac)
        line = f'snapshot {i}: {len(regions)} regions, hot range ' \
               f'{hot_frac:.0%} in accessed regions'
        if buf:
            cold = (buf[1] - buf[0]) - (hot[1] - hot[0])
            cold_frac = (accessed_bytes(regions, *buf) -
                         accessed_bytes(regions, *hot)) / cold
            best_cold = min(best_cold, cold_frac)
            line += f', rest of the buffer {cold_frac:.0%}'
        print('# ' + line)
    errors = []
    if not snaps:
        errors.append('no snapshot to look for the hot range in')
    elif best_hot < min_hot:
        errors.append(f'hot range at most {best_hot:.0%} in accessed '
                      f'regions, want {min_hot:.0%}')
    if snaps and max_cold is not None and best_cold > max_cold:
        errors.append(f'rest of the buffer at least {best_cold:.0%} in '
                      f'accessed regions, want at most {max_cold:.0%}')
    return errors


TRACE_EVENT = re.compile(r'damon_aggregated: target_id=(\d+) nr_regions=(\d+) '
                         r'(\d+)-(\d+): (\d+) (\d+)$')


def parse_trace(path):
    """Group damon_aggregated events into [[(target_id, [regions])]].

    The tracepoint fires once per region of each target at every
    aggregation, targets in order, regions in address order, each event
    carrying its target's number of regions: a target's group is that many
    consecutive events, and an aggregation is a run of groups of distinct
    targets.
    """
    events = []
    with open(path) as f:
        for line in f:
            m = TRACE_EVENT.search(line.rstrip('\n'))
            if m:
                events.append(tuple(int(x) for x in m.groups()))
            elif 'damon_aggregated:' in line:
                raise BadRecord(f'unparsable event: {line.strip()}')
    aggs, i = [], 0
    while i < len(events):
        tid, nr = events[i][:2]
        group = events[i:i + nr]
        if not nr or len(group) < nr or any(e[:2] != (tid, nr) for e in group):
            raise BadRecord(f'event {i}: target {tid} announces {nr} regions, '
                            f'the events that follow do not match')
        if not aggs or tid in (t for t, _ in aggs[-1]):
            aggs.append([])
        # The record has no ages: compare start, end and nr_accesses.
        aggs[-1].append((tid, [e[2:5] for e in group]))
        i += nr
    return len(events), aggs


def check_trace(snaps, path):
    """The trace of the run holds the snapshots, no more, no fewer."""
    try:
        nr_events, aggs = parse_trace(path)
    except (OSError, BadRecord) as e:
        return [f'{path}: {e}']
    print(f'# trace: {nr_events} damon_aggregated events, '
          f'{len(aggs)} aggregations; record: {len(snaps)} snapshots')
    errors = []
    if len(aggs) != len(snaps):
        errors.append(f'{len(aggs)} aggregations traced, '
                      f'{len(snaps)} recorded')
    for i, (agg, (_, targets)) in enumerate(zip(aggs, snaps)):
        # A target without regions fires no event.
        targets = [(tid, regs) for tid, regs in targets if regs]
        if agg != targets:
            errors.append(f'aggregation {i}: traced '
                          f'{[(t, len(r)) for t, r in agg]} '
                          f'(target, regions), recorded '
                          f'{[(t, len(r)) for t, r in targets]}, or '
                          f'their regions differ')
    return errors


def addr_range(text):
    lo, hi = (int(x, 0) for x in text.split('-'))
    if not lo < hi:
        raise argparse.ArgumentTypeError(f'empty range {text}')
    return lo, hi


def numbers(count):
    def conv(text):
        vals = [int(x) for x in text.split()]
        if len(vals) != count:
            raise argparse.ArgumentTypeError(f'want {count} numbers: {text}')
        return vals
    return conv


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('file')
    ap.add_argument('--attrs', type=numbers(5), required=True)
    ap.add_argument('--pid', type=int, action='append', default=[])
    ap.add_argument('--stats', type=numbers(3))
    ap.add_argument('--hot', type=addr_range)
    ap.add_argument('--buffer', type=addr_range)
    ap.add_argument('--last', type=int, default=5)
    ap.add_argument('--min-hot', type=float, default=0.9)
    ap.add_argument('--max-cold', type=float)
    ap.add_argument('--trace')
    ap.add_argument('--runs', type=int)
    ap.add_argument('--dropped-ok', action='store_true')
    ap.add_argument('--empty-ok', action='store_true')
    args = ap.parse_args()

    runs = [] if args.runs is not None else None
    try:
        with open(args.file, 'rb') as f:
            snaps = parse(f.read(), runs)
    except (OSError, BadRecord) as e:
        print(f'# {args.file}: {e}')
        return 1
    times = [t for t, _ in snaps]
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    print(f'# {len(snaps)} snapshots' +
          (f', intervals {gaps[0] / 1e6:.0f}..{gaps[-1] / 1e6:.0f} ms '
           f'(median {gaps[len(gaps) // 2] / 1e6:.0f})' if gaps else ''))

    errors = check_snapshots(snaps, args.attrs, args.pid,
                             0 if args.empty_ok else 1)
    if runs is not None:
        print(f'# {len(runs)} runs')
        if len(runs) != args.runs:
            errors.append(f'{len(runs)} runs, want {args.runs}')
    elif not snaps:
        errors.append('no snapshot recorded')
    if args.stats:
        recorded, dropped, dropped_bytes = args.stats
        if (dropped or dropped_bytes) and not args.dropped_ok:
            errors.append(f'record_stats: {dropped} aggregations '
                          f'({dropped_bytes} bytes) dropped')
        if recorded != len(snaps):
            errors.append(f'record_stats: {recorded} recorded, '
                          f'file holds {len(snaps)}')
    if args.hot:
        if args.max_cold is not None and not args.buffer:
            ap.error('--max-cold needs --buffer')
        errors += check_hot(snaps, args.hot, args.buffer, args.last,
                            args.min_hot, args.max_cold)
    if args.trace:
        errors += check_trace(snaps, args.trace)
    for e in errors[:20]:
        print(f'# {e}')
    if len(errors) > 20:
        print(f'# ... and {len(errors) - 20} more errors')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
