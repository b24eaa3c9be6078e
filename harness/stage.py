#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make an intermediate state of one of our files, for the patch series.

    stage.py FILTER [ARGS...] < final-or-staged-file > staged-file

harness/patches.sh brings some files in over several patches: a patch adds
the file without the parts that later patches bring.  Each filter removes
such parts from its input.  A filter that finds nothing to remove fails, so
that a change of the file that breaks a stage shows at once; the patch
builds of "make patches" check that every stage compiles.

Filters:
  kconfig SYM...        keep only the "config SYM" entries listed
  makefile SYM...       drop the lines that name a CONFIG_ symbol not listed
  drop-ifdef SYM        drop the "#ifdef SYM" ... "#endif" block
  drop-section START END
                        drop from the comment (or line) matching the regex
                        START to the comment (or line) before the next line
                        matching the regex END
  drop-function NAME    drop the definition of the C function NAME, with
                        the comment above it, and every statement calling it
  drop-line REGEX       drop the lines matching REGEX

Where a part was removed, a blank line left next to another goes too;
the rest of the file is left as it is.
"""

import re
import sys


CUT = None     # marks where lines were removed


def die(msg):
    sys.stderr.write("stage.py: %s\n" % msg)
    sys.exit(1)


def comment_start(lines, i):
    """The first line of the comment block that line i is part of."""
    if lines[i].startswith((' *', '*')) and not lines[i].startswith('/*'):
        while i > 0 and not lines[i].lstrip().startswith('/*'):
            i -= 1
    # A comment right above it belongs to it.
    while i > 0 and lines[i - 1].rstrip().endswith('*/') and \
            not lines[i - 1].startswith('}'):
        j = i - 1
        while j > 0 and not lines[j].lstrip().startswith('/*'):
            j -= 1
        i = j
    return i


def kconfig(lines, syms):
    keep = set(syms)
    out, dropping, seen = [], False, set()
    for line in lines:
        m = re.match(r'(menuconfig|config|menu|endmenu|if|endif|source|comment|choice|endchoice)\b\s*(\S*)', line)
        if m:
            dropping = m.group(1) in ('config', 'menuconfig') and \
                m.group(2) not in keep
            if not dropping:
                seen.add(m.group(2))
        if not dropping:
            out.append(line)
        elif not out or out[-1] is not CUT:
            out.append(CUT)
    missing = keep - seen
    if missing:
        die("kconfig: no entry for %s" % ' '.join(sorted(missing)))
    return out


def makefile(lines, syms):
    keep = set(syms)
    out = []
    for line in lines:
        names = re.findall(r'CONFIG_([A-Za-z0-9_]+)', line)
        out.append(CUT if any(n not in keep for n in names) else line)
    return out


def drop_ifdef(lines, sym):
    for i, line in enumerate(lines):
        if re.match(r'#\s*ifdef\s+%s\b' % re.escape(sym), line) or \
           re.match(r'#\s*if\s+defined\(%s\)' % re.escape(sym), line):
            depth = 0
            for j in range(i, len(lines)):
                if re.match(r'#\s*if', lines[j]):
                    depth += 1
                elif re.match(r'#\s*endif', lines[j]):
                    depth -= 1
                    if depth == 0:
                        return lines[:i] + [CUT] + lines[j + 1:]
            die("drop-ifdef: no #endif for %s" % sym)
    die("drop-ifdef: no #ifdef %s" % sym)


def drop_section(lines, start, end):
    i = next((k for k, l in enumerate(lines) if re.search(start, l)), None)
    if i is None:
        die("drop-section: nothing matches %r" % start)
    j = next((k for k in range(i + 1, len(lines)) if re.search(end, lines[k])),
             None)
    if j is None:
        die("drop-section: nothing after %r matches %r" % (start, end))
    return lines[:comment_start(lines, i)] + [CUT] + \
        lines[comment_start(lines, j):]


def drop_function(lines, name):
    head = re.compile(r'^[a-z].*\b%s\(' % re.escape(name))
    i = next((k for k, l in enumerate(lines)
              if head.match(l) and not l.rstrip().endswith(';')), None)
    if i is None:
        die("drop-function: no definition of %s" % name)
    j = next((k for k in range(i, len(lines)) if lines[k].rstrip() == '}'),
             None)
    if j is None:
        die("drop-function: no end of %s" % name)
    lines = lines[:comment_start(lines, i)] + [CUT] + lines[j + 1:]
    call = re.compile(r'^\s+%s\(.*\);\s*$' % re.escape(name))
    if any(l is not CUT and re.search(r'\b%s\b' % re.escape(name), l) and
           not call.match(l) for l in lines):
        die("drop-function: %s is used other than by a plain call" % name)
    return [CUT if l is not CUT and call.match(l) else l for l in lines]


def drop_line(lines, regex):
    out = [CUT if re.search(regex, l) else l for l in lines]
    if CUT not in out:
        die("drop-line: nothing matches %r" % regex)
    return out


def blank(line):
    return line is not None and line.strip() == ''


def squeeze(lines):
    """Remove the CUT marks, and a blank line doubled at one of them."""
    out = []
    for k, line in enumerate(lines):
        if line is CUT:
            continue
        # A blank line right after a cut, next to a blank line before it,
        # or at the start or the end of the file.
        if blank(line) and k > 0 and lines[k - 1] is CUT and \
           (not out or blank(out[-1]) or k + 1 == len(lines)):
            continue
        out.append(line)
    while lines and lines[-1] is CUT and out and blank(out[-1]):
        out.pop()
    return out


def main():
    if len(sys.argv) < 2:
        die("usage: stage.py FILTER [ARGS...]")
    filt, args = sys.argv[1], sys.argv[2:]
    lines = sys.stdin.read().split('\n')
    trailing = lines and lines[-1] == ''
    if trailing:
        lines.pop()
    if filt == 'kconfig':
        lines = kconfig(lines, args)
    elif filt == 'makefile':
        lines = makefile(lines, args)
    elif filt == 'drop-ifdef' and len(args) == 1:
        lines = drop_ifdef(lines, args[0])
    elif filt == 'drop-section' and len(args) == 2:
        lines = drop_section(lines, args[0], args[1])
    elif filt == 'drop-function' and len(args) == 1:
        lines = drop_function(lines, args[0])
    elif filt == 'drop-line' and len(args) == 1:
        lines = drop_line(lines, args[0])
    else:
        die("unknown filter or wrong arguments: %s" % ' '.join(sys.argv[1:]))
    lines = squeeze(lines)
    sys.stdout.write('\n'.join(lines) + ('\n' if trailing else ''))


if __name__ == '__main__':
    main()
