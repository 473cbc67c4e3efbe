"""Compiles every case of int8_gemm_cases.py for one CPU and checks each data set.

    /usr/bin/python3 run_int8_cases.py DIR CPU QUANT_OPT QUANT_RUN

For each DIR/<case>.mlir: quant-opt --emit=shared --cpu=CPU, then quant-run
--check on each DIR/<case>/<rows> with --rtol 0 --atol 0. Prints one line
per data set, "<case> <rows>: <quant-run's result row, spaces squeezed>",
then "all N data sets PASS" or exits 1.
"""

import os
import subprocess
import sys

from int8_gemm_cases import CASES


def main(argv):
    directory, cpu, quant_opt, quant_run = argv
    count = 0
    for name, (rows, *_rest) in CASES.items():
        lib = os.path.join(directory, f"{name}-{cpu}.so")
        subprocess.run([quant_opt, os.path.join(directory, f"{name}.mlir"),
                        "--emit=shared", f"--cpu={cpu}", "-o", lib], check=True)
        for m in rows:
            data = os.path.join(directory, name, str(m))
            run = subprocess.run([quant_run, lib, "--input-dir", data,
                                  "--check", data, "--rtol", "0", "--atol", "0"],
                                 capture_output=True, text=True)
            result = [l for l in run.stdout.splitlines() if l.startswith("C ")]
            print(f"{name} {m}: {' '.join(result[0].split()) if result else run.stderr}")
            if run.returncode != 0:
                return 1
            count += 1
    print(f"all {count} data sets PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
