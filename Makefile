.PHONY: bench bench-profile

# Throughput and memory benchmark (translate vs xmllint/xsltproc, ingest over HTTP); results in bench-out/results.md.
bench:
	scripts/bench

# perf profiles of translate (10,000 records) and of serve under ingest; hot spots in bench-out/profile.txt.
bench-profile:
	scripts/bench profile
