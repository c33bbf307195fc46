.PHONY: bench bench-profile

# Throughput and memory benchmark (translate vs xmllint/xsltproc, ingest over HTTP); results in bench-out/results.md.
bench:
	scripts/bench

# perf (or callgrind) profile of translate on a 10,000-record batch; top functions in bench-out/profile.txt.
bench-profile:
	scripts/bench profile
