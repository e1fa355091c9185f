#!/usr/bin/python3
"""Read a workbook or CSV with pandas, as an analyst would, and report the
time and peak memory. Used by compare-pandas.sh; run with Debian's
/usr/bin/python3 (python3-pandas, python3-openpyxl)."""
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
start = time.perf_counter()
if path.endswith(".xlsx"):
    df = pd.read_excel(path, engine="openpyxl")
else:
    df = pd.read_csv(path)
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"pandas {path}: {len(df)} rows in {elapsed:.2f} s, peak RSS {peak_kb // 1024} MB")
