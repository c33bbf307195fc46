# Fuzzing XMLStream with libFuzzer. `make fuzz` builds the target and runs it for FUZZ_SECONDS
# (default 60) on a corpus seeded with the department samples and the test fixtures.
# The target is built with swiftc directly from the module's sources, so `swift build` never
# needs fuzzer flags.

SWIFTC ?= $(shell command -v swiftc 2>/dev/null || echo /opt/swift/usr/bin/swiftc)
FUZZ_SECONDS ?= 60
FUZZ_DIR := .build/fuzz
FUZZ_BIN := $(FUZZ_DIR)/xmlstream-fuzz
CORPUS := $(FUZZ_DIR)/corpus
SOURCES := $(wildcard Sources/XMLStream/*.swift) Fuzz/XMLStreamFuzz/main.swift
LIBXML_CFLAGS := $(shell pkg-config --cflags libxml-2.0)

.PHONY: bench bench-profile bench-refcounts fuzz fuzz-build fuzz-corpus test run

# The README's two commands.
test:
	scripts/test

run:
	scripts/run

# Throughput and memory benchmark (translate vs xmllint/xsltproc, ingest over HTTP); results in bench-out/results.md.
bench:
	scripts/bench

# perf profiles of translate (10,000 records) and of serve under ingest; hot spots in bench-out/profile.txt.
bench-profile:
	scripts/bench profile

# swift_retain and swift_release calls per translated record (uprobes): a figure that does not drift with the machine.
bench-refcounts:
	scripts/bench refcounts

fuzz: fuzz-build fuzz-corpus
	$(FUZZ_BIN) $(CORPUS) -dict=Fuzz/xml.dict -max_len=16384 -timeout=20 -rss_limit_mb=2048 \
		-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BIN): $(SOURCES) Sources/CLibXML2/shim.h Sources/CLibXML2/module.modulemap
	mkdir -p $(FUZZ_DIR)
	$(SWIFTC) -sanitize=fuzzer,address -use-ld=lld -parse-as-library -swift-version 6 -O -g \
		-enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
		-module-name XMLStreamFuzz -module-cache-path $(FUZZ_DIR)/module-cache \
		-Xcc -fmodule-map-file=Sources/CLibXML2/module.modulemap $(addprefix -Xcc ,$(LIBXML_CFLAGS)) \
		$(SOURCES) -lxml2 -o $@

# Seeds: every sample batch and fixture (the harness derives chunking and limits from the bytes).
fuzz-corpus:
	mkdir -p $(CORPUS)
	for f in Mappings/tests/*/*.xml Tests/XMLStreamTests/Fixtures/* Fuzz/regressions/*; do \
		cp -n "$$f" "$(CORPUS)/seed-$$(basename $$(dirname $$f))-$$(basename $$f)"; done
