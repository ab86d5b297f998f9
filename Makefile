# dbtunnel — see README.md. `make test` is the test command; `.ci/run` is `make deps && make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := build

SWIFT ?= swift
PYTHON ?= python3
# System packages: TLS and the client libraries the built-in clients link against; the
# servers and clients the integration tests drive join this list as their protocols land.
APT_PACKAGES := libssl-dev libpq-dev libmariadb-dev util-linux openssl postgresql postgresql-client mariadb-server mariadb-client stunnel4
# PyPI packages the python checks and the cross-checks use (import name:pip name).
PY_MODULES := boto3:boto3 botocore:botocore pytest:pytest awscli:awscli

.PHONY: deps build test test-swift test-python test-scenarios bench bench-pg demo clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then echo "missing system packages:$$missing (run 'sudo make deps')" >&2; exit 1; fi; \
	  echo "installing system packages:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@missing=""; for m in $(PY_MODULES); do \
	  $(PYTHON) -c "import $${m%%:*}" 2>/dev/null || missing="$$missing $${m##*:}"; \
	done; \
	command -v aws >/dev/null || missing="$$missing awscli"; \
	if [ -n "$$missing" ]; then echo "installing python packages:$$missing"; $(PYTHON) -m pip install -q $$missing; fi

build:
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory test-swift test-python test-scenarios

test-swift:
	$(SWIFT) test --skip-build

test-python:
	DBTUNNEL_BIN=$(CURDIR)/.build/debug/dbtunnel $(PYTHON) -m pytest -q Tests/python

# Every scenario in Scenarios/ (a lab, the tunnel and real clients each); JUnit XML for CI.
test-scenarios:
	.build/debug/dbtunnel scenario run Scenarios --junit .build/scenarios.xml

bench: deps
	$(SWIFT) build -c release --product dbtunnel-bench
	$(SWIFT) build -c release --product dbtunnel
	$(PYTHON) Benchmarks/bench.py
	$(PYTHON) Benchmarks/pg_bench.py

# PostgreSQL through dbtunnel against direct TLS and stunnel (needs stunnel4): bench-results/postgres.md.
# BENCH_PG_ROUNDS (5) and BENCH_PG_SECONDS (5) set the length.
bench-pg: deps
	$(SWIFT) build -c release --product dbtunnel
	$(PYTHON) Benchmarks/pg_bench.py

# PostgreSQL + mock RDS endpoint + the tunnel; one query, then the tunnel until Ctrl+C.
demo: deps build
	@Scripts/demo.sh

clean:
	rm -rf .build bench-results
