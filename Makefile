# Haechi: two commands do all the set-up on a fresh Debian machine.
#   make demo   installs what is missing, builds, and streams a sample scenario into `haechi ingest`
#   make test   installs what is missing and runs every test (Swift, then the Python interop peers)

SHELL      := /bin/bash
SWIFT      ?= swift
PYTHON     ?= python3
VENV       := .venv
VPY        := $(VENV)/bin/python
SUDO       := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_PKGS   := libzmq3-dev pkg-config
SHARED     := ../shared

.PHONY: demo test build swift-test interop-test deps system-deps venv clean help

help:
	@echo "make demo   - install what is missing, build, run a sample live ingest end to end"
	@echo "make test   - install what is missing, run every test"

## Set-up ---------------------------------------------------------------------------------------

deps: system-deps venv

# libzmq's headers through apt, with sudo when not root. Skipped when already present.
system-deps:
	@if [ -f /usr/include/zmq.h ]; then exit 0; fi; \
	 echo "==> installing $(APT_PKGS) with apt-get"; \
	 $(SUDO) apt-get update -qq && \
	 DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS)

# The Python test peers (pyzmq, pymavlink, ...), pinned, in a git-ignored venv.
venv: $(VENV)/.installed

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
	@echo "==> the ring's tests again under ThreadSanitizer (own build folder: .build-tsan)"
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter LockFreeRingTests

# Real peers: pyzmq and pymavlink publishers, JSON Schema validation; ../shared/peers when present.
interop-test: deps build
	HAECHI_BIN="$$($(SWIFT) build --show-bin-path)/haechi" HAECHI_SHARED="$(SHARED)" \
	  $(VPY) -m pytest Tests/Interop -q -rs

clean:
	rm -rf .build $(VENV)
