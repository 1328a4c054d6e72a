"""Benchmark of the households roster import; run `python -m bench.import_households`."""
