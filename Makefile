# Haechi: two commands do all the set-up on a fresh Debian machine.
#   make demo   installs what is missing, builds, and streams a sample scenario into `haechi ingest`
#   make test   installs what is missing and runs every test (Swift, then the Python interop peers)

SHELL      := /bin/bash
SWIFT      ?= swift
PYTHON     ?= python3
VENV       := .venv
VPY        := $(VENV)/bin/python
SUDO       := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_PKGS   := libzmq3-dev libzstd-dev liblz4-dev zlib1g-dev libdeflate-dev pkg-config \
              fonts-nanum fonts-dejavu-core chromium poppler-utils protobuf-compiler libprotobuf-dev libjs-leaflet \
              postgresql libpq-dev
SHARED     := ../shared

.PHONY: demo test build swift-test interop-test deps system-deps venv clean help bench bench-quick fuzz soak

help:
	@echo "make demo   - install what is missing, build, run a sample live ingest end to end"
	@echo "make test   - install what is missing, run every test"
	@echo "make bench  - Haechi's benchmarks beside their C, libzmq and Stone Soup baselines (bench-quick: smaller runs)"

## Set-up ---------------------------------------------------------------------------------------

deps: system-deps venv

# The headers of libzmq, libzstd, liblz4, zlib and libdeflate; the Korean font the HTML reports embed
# (fonts-nanum) and DejaVu, Chromium for `haechi report --pdf`, poppler-utils (pdftoppm, pdffonts), which
# the report tests use, and protoc with google/protobuf/timestamp.proto, with which the SAPIENT schema test
# compiles Protos/sapient (and scripts/generate-sapient.sh regenerates the Swift code), libpq's headers
# (libpq-dev) for the shared archive, and the PostgreSQL server (postgresql), on which the archive tests
# start a throwaway cluster (Tests/Interop/postgres.py): through apt, with sudo when not root. Skipped
# when all are present.
system-deps:
	@if [ -f /usr/include/zmq.h ] && [ -f /usr/include/zstd.h ] && [ -f /usr/include/lz4frame.h ] \
	   && [ -f /usr/include/zlib.h ] && [ -f /usr/include/libdeflate.h ] \
	   && [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] && [ -d /usr/share/fonts/truetype/dejavu ] \
	   && [ -x /usr/bin/chromium ] && [ -x /usr/bin/pdftoppm ] && [ -x /usr/bin/pdffonts ] \
	   && [ -x /usr/bin/protoc ] && [ -f /usr/include/google/protobuf/timestamp.proto ] \
	   && [ -f /usr/share/javascript/leaflet/leaflet.js ] \
	   && [ -f /usr/include/postgresql/libpq-fe.h ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	 echo "==> installing $(APT_PKGS) with apt-get"; \
	 $(SUDO) apt-get update -qq && \
	 DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS)

# The Python test peers (pyzmq, pymavlink, ...), pinned, in a git-ignored venv; sapient-pydantic, which
# pins another protobuf and installs its own sapient_msg package, in a second one.
venv: $(VENV)/.installed .venv-sapient-pydantic/.installed

.venv-sapient-pydantic/.installed: Tests/Interop/requirements-sapient-pydantic.txt $(VENV)/.installed
	$(PYTHON) -m venv .venv-sapient-pydantic
	.venv-sapient-pydantic/bin/pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements-sapient-pydantic.txt
	@touch $@

$(VENV)/.installed: Tests/Interop/requirements.txt
	@if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
	   echo "==> installing python3-venv with apt-get"; \
	   $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv python3-pip; \
	 fi
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements.txt
	@touch $@

## Build and run ------------------------------------------------------------------------------

build: system-deps
	$(SWIFT) build

demo: deps build
	@HAECHI_BIN="$$($(SWIFT) build --show-bin-path)/haechi" VPY=$(VPY) bash scripts/demo.sh

## Tests --------------------------------------------------------------------------------------

test: deps swift-test interop-test

swift-test: system-deps
	$(SWIFT) test
	@echo "==> the ring's and the ingest pipeline's tests again under ThreadSanitizer (own build folder: .build-tsan)"
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter 'LockFreeRingTests|TelemetryIngestorTests'

# Real peers: pyzmq and pymavlink publishers, JSON Schema validation; ../shared/peers when present.
interop-test: deps build
	HAECHI_BIN="$$($(SWIFT) build --show-bin-path)/haechi" HAECHI_SHARED="$(SHARED)" \
	  $(VPY) -m pytest Tests/Interop -q -rs

clean:
	rm -rf .build $(VENV)

## Benchmarks (outside the normal build; see docs/performance.md) -------------------------------

# haechi-bench is a target of Package.swift that exists only when HAECHI_BENCH is set; it is built in
# .build-bench/ (a scratch folder of its own, so the normal build never sees it), beside the C
# baselines, which gcc builds there too. Until Benchmarks/HaechiBench holds Swift source, only the
# baselines run and the driver says which figures are missing.
# The tracker's figures (`haechi track` beside the Stone Soup peer in $(SHARED)/peers/stonesoup, whose
# scripts run in the venv) and the replay figures (`haechi replay` of a dense session, cached in
# bench/sessions/) need a release build of haechi itself, built in the default .build folder.
# `make bench BENCH_ARGS="--reps 9"` passes options to Benchmarks/run_bench.py ("--only recording": one section).
BENCH_BIN    := .build-bench
BENCH_SWIFT  := $(BENCH_BIN)
BENCH_SRC    := Benchmarks/HaechiBench
BENCH_CC     := gcc
BENCH_CFLAGS := -O2 -pthread -Wall -Wextra
BENCH_C      := $(BENCH_BIN)/spsc_ring $(BENCH_BIN)/zmq_raw $(BENCH_BIN)/malloc_count.so
BENCH_ARGS   ?=
BENCH_BUILD  := HAECHI_BENCH=1 $(SWIFT) build -c release --product haechi-bench --scratch-path $(BENCH_SWIFT)
HAECHI_RELEASE := $(SWIFT) build -c release --product haechi

bench bench-quick: system-deps venv $(BENCH_C)
	@hb=""; \
	 if ls $(BENCH_SRC)/*.swift >/dev/null 2>&1; then \
	   echo "==> $(BENCH_BUILD)"; \
	   $(BENCH_BUILD) || exit 1; \
	   hb="$$($(BENCH_BUILD) --show-bin-path)/haechi-bench"; \
	 else \
	   echo "==> $(BENCH_SRC) has no Swift source yet: running the C and libzmq baselines only"; \
	 fi; \
	 echo "==> $(HAECHI_RELEASE)"; \
	 $(HAECHI_RELEASE) || exit 1; \
	 ht="$$($(HAECHI_RELEASE) --show-bin-path)/haechi"; \
	 $(PYTHON) Benchmarks/run_bench.py --bin-dir $(BENCH_BIN) $(if $(filter bench-quick,$@),--quick) \
	   $${hb:+--haechi-bench "$$hb"} --haechi "$$ht" --shared "$(SHARED)" --peer-python $(VPY) $(BENCH_ARGS)

$(BENCH_BIN)/spsc_ring: Benchmarks/c/spsc_ring.c | system-deps $(BENCH_BIN)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $<

$(BENCH_BIN)/zmq_raw: Benchmarks/c/zmq_raw.c | system-deps $(BENCH_BIN)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $< -lzmq

$(BENCH_BIN)/malloc_count.so: Benchmarks/c/malloc_count.c | $(BENCH_BIN)
	$(BENCH_CC) -O2 -Wall -Wextra -fPIC -shared -o $@ $< -ldl

$(BENCH_BIN):
	@mkdir -p $@

# --------------------------------------------------------------------------------------------------
# make fuzz: libFuzzer targets for every decoder (JSON v1, MAVLink, the MCAP reader, recovery, ASTERIX, SAPIENT), built
# with -sanitize=fuzzer,address in .build-fuzz, each run for FUZZ_RUNS executions (default 10 million)
# from a seed corpus made from the tests' own inputs. A crash leaves crash-<hash> in .build-fuzz/crashes/
# and fails the target; docs/security.md says how long a run takes. FUZZ_TARGETS picks some.
# -detect_leaks=0 and ASAN_OPTIONS=detect_leaks=0: LeakSanitizer, run once at exit, takes the boxes of
# Swift's lazily initialised statics and the targets' global frame processors (about 3 KB, once) for
# leaks and writes an empty "crash"; libFuzzer's flag alone leaves that exit check on. A leak per
# execution would show as growing RSS, which -rss_limit_mb bounds.
FUZZ_RUNS    ?= 10000000
FUZZ_MAX_LEN ?= 8192
FUZZ_TARGETS ?= FuzzJSON FuzzMAVLink FuzzMCAP FuzzRecover FuzzAsterix FuzzSapient
FUZZ_BUILD   := HAECHI_FUZZ=1 $(SWIFT) build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld

fuzz: system-deps
	@mkdir -p .build-fuzz/crashes
	$(PYTHON) Fuzz/seed_corpus.py .build-fuzz/seeds
	@set -e; for t in $(FUZZ_TARGETS); do \
	   echo "==> $(FUZZ_BUILD) --product $$t"; $(FUZZ_BUILD) --product $$t; \
	 done; \
	 bin="$$($(FUZZ_BUILD) --show-bin-path)"; \
	 for t in $(FUZZ_TARGETS); do \
	   seeds=.build-fuzz/seeds/$$(echo $$t | sed 's/^Fuzz//' | tr A-Z a-z); mkdir -p .build-fuzz/corpus/$$t; \
	   echo "==> $$t: $(FUZZ_RUNS) runs"; start=$$(date +%s); \
	   ASAN_OPTIONS=detect_leaks=0 "$$bin/$$t" -runs=$(FUZZ_RUNS) -max_len=$(FUZZ_MAX_LEN) -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
	     -artifact_prefix=.build-fuzz/crashes/$$t- .build-fuzz/corpus/$$t $$seeds > .build-fuzz/$$t.log 2>&1 || true; \
	   grep -E '^(stat::number_of_executed_units|==[0-9]+==|SUMMARY|INFO: seed corpus)' .build-fuzz/$$t.log || true; \
	   test -z "$$(ls .build-fuzz/crashes/$$t-* 2>/dev/null)" || { echo "$$t: crash inputs in .build-fuzz/crashes/"; exit 1; }; \
	   runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' .build-fuzz/$$t.log); \
	   echo "$$t: $${runs:-0} of $(FUZZ_RUNS) runs in $$(( $$(date +%s) - start )) s, no crash"; \
	   test "$${runs:-0}" -ge $(FUZZ_RUNS) || { echo "$$t: stopped before $(FUZZ_RUNS) runs (see .build-fuzz/$$t.log)"; exit 1; }; \
	 done

# make soak MINUTES=60: a dense simulated trial in real time through ingest, tracking and recording;
# RSS, frames, losses and tracks once a minute (scripts/soak.py; figures in docs/performance.md).
MINUTES ?= 60
soak: deps
	$(SWIFT) build -c release --product haechi
	$(VPY) scripts/soak.py --haechi "$$($(SWIFT) build -c release --show-bin-path)/haechi" --minutes $(MINUTES)
