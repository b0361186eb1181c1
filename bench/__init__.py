"""Benchmarks: `python -m bench [NAME] [ARGS]`; figures are recorded under bench/results/."""
