"""Picks at most N inputs for CI from a libFuzzer merge control file: greedily the one adding
the most coverage edges (the smaller on a tie), skipping inputs over MAX_BYTES.

Usage: pick.py CONTROL_FILE OUT_DIR N [MAX_BYTES]; prints files, bytes and edges covered.
"""
import os, shutil, sys

ctl, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
max_bytes = int(sys.argv[4]) if len(sys.argv) > 4 else 1 << 30
lines = open(ctl, encoding="utf-8", errors="replace").read().splitlines()
nfiles = int(lines[0]); files = lines[2:2 + nfiles]
cov = {}
for l in lines[2 + nfiles:]:
    p = l.split()
    if p and p[0] == "COV":
        cov[int(p[1])] = set(p[2:])
sizes = {i: os.path.getsize(files[i]) for i in cov}
allc = set().union(*cov.values())
got, chosen = set(), []
cands = {i for i in cov if sizes[i] <= max_bytes}
while len(chosen) < n:
    best = max(cands, key=lambda i: (len(cov[i] - got), -sizes[i]), default=None)
    if best is None or not (cov[best] - got):
        break
    chosen.append(best); got |= cov[best]; cands.discard(best)
os.makedirs(out, exist_ok=True)
for i in chosen:
    shutil.copy(files[i], os.path.join(out, os.path.basename(files[i])))
total = sum(sizes[i] for i in chosen)
print(f"{len(chosen)} files, {total} bytes, {len(got)}/{len(allc)} edges")
