"""Side-by-side benchmarks: `python -m benchmarks` (see benchmarks/run.py)."""
