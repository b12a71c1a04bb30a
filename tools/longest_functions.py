#!/usr/bin/env python3
"""The longest functions in the C++ sources, by lines from the opening line to
the closing brace, longest first.

  tools/longest_functions.py                  # top 10 outside kernels/, tests/, third_party/
  tools/longest_functions.py -n 20 apps core  # top 20 in the given folders
  tools/longest_functions.py --over 100       # every function over 100 lines (exit 1 if any)

A function is a brace block at namespace level (or a class member defined in
its class) whose opening line looks like a signature: it has a '(' before the
'{' and is not a control statement, a class/struct/namespace or an
initialiser. Comments, strings and character literals are blanked before
braces are matched, so braces in them do not count. Lambdas inside a
function count towards it. Good enough to find long functions, not a parser.
"""
import argparse
import os
import re
import sys

EXTS = (".cpp", ".h", ".cc", ".hpp", ".cu", ".cuh", ".inc")
SKIP = {"kernels", "tests", "third_party", "build", "fuzz", ".git"}
NOT_FUNC = re.compile(r"^\s*(if|for|while|switch|catch|do|else|return|namespace|class|struct|"
                      r"enum|union|extern)\b")


def blank(text):
    """Comments and literals replaced by spaces (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + (m.group(1) if m else "") + '"', i)
            j = n if end < 0 else end + len(m.group(1) if m else "") + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + 1)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c); i = j
        else:
            out.append(c); i += 1
    return "".join(out)


def functions(path):
    text = blank(open(path, encoding="utf-8", errors="replace").read())
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    line_of = lambda pos: next(k for k in range(len(starts)) if starts[k + 1] > pos) + 1
    found, stack = [], []  # stack: (is_function, position of '{', signature)
    inside_function = 0
    for pos, c in enumerate(text):
        if c == "{":
            head = text[max(0, text.rfind(";", 0, pos), text.rfind("}", 0, pos),
                            text.rfind("{", 0, pos)) + 1:pos]
            sig = " ".join(head.split())
            is_func = (not inside_function and "(" in sig and not NOT_FUNC.match(sig)
                       and not sig.endswith("=") and not re.search(r"=\s*$", sig)
                       and ")" in sig)
            stack.append((is_func, pos, sig))
            if is_func:
                inside_function += 1
        elif c == "}" and stack:
            is_func, start, sig = stack.pop()
            if is_func:
                inside_function -= 1
                name = re.findall(r"([~\w:]+(?:operator\S*)?)\s*\(", sig)
                # count from the signature's first line
                sig_start = start - len(head_text(text, start))
                found.append((line_of(pos) - line_of(sig_start) + 1, path, line_of(sig_start),
                              name[0] if name else sig[:40]))
    return found


def head_text(text, pos):
    cut = max(text.rfind(";", 0, pos), text.rfind("}", 0, pos), text.rfind("{", 0, pos)) + 1
    head = text[cut:pos]
    return head[len(head) - len(head.lstrip()):]  # from the first non-space character


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", default=["."])
    ap.add_argument("-n", type=int, default=10, help="how many to list")
    ap.add_argument("--over", type=int, default=0, help="list every function longer than this")
    ap.add_argument("--all", action="store_true", help="do not skip kernels/ tests/ fuzz/")
    a = ap.parse_args()
    rows = []
    for root in a.paths:
        if os.path.isfile(root):
            rows += functions(root); continue
        for d, dirs, files in os.walk(root):
            dirs[:] = sorted(x for x in dirs if a.all or x not in SKIP)
            for f in sorted(files):
                if f.endswith(EXTS):
                    rows += functions(os.path.join(d, f))
    rows.sort(key=lambda r: -r[0])
    if a.over:
        rows = [r for r in rows if r[0] > a.over]
    else:
        rows = rows[:a.n]
    for length, path, line, name in rows:
        print(f"{length:5d}  {os.path.relpath(path)}:{line}  {name}")
    return 1 if a.over and rows else 0


if __name__ == "__main__":
    sys.exit(main())
