"""benchlib: the sections of Benchmarks/run_bench.py (the driver of `make bench`), one module each."""
