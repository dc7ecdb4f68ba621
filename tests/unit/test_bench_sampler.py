"""The partition benchmark's memory sampler counts a step's children (dbt runs as one)."""

import os
import subprocess
import sys
import time

from bench.partition_step import TreeRss


def test_the_sampler_counts_the_memory_of_a_child_process():
    sampler = TreeRss(os.getpid(), interval_s=0.02)
    start = time.time()
    # 300 MiB written (not only allocated: untouched pages are not resident), held half a second
    subprocess.run(
        [sys.executable, "-c", "b = b'x' * (300 * 2**20); import time; time.sleep(0.5)"], check=True
    )
    end = time.time()
    sampler.stop()
    assert sampler.peak_mb(start, end) >= 300
    assert sampler.peak_mb(end + 5, end + 6) == 0  # nothing sampled then
