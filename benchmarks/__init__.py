"""Benchmark suite: ``python -m benchmarks.run --scale N [--smoke]`` (see benchmarks/README.md)."""
