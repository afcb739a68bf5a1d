# The two commands a newcomer types: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
export VOISINAGE_DATABASE ?= $(CURDIR)/instance/voisinage.sqlite

.PHONY: run test bench bench-full lint browser postgres proxy kernels clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# numba compiles the engine once per machine and source (about 20 s), then loads it from
# its cache: compiled here so that no server or test waits for it on a first search. Its
# cache notices a change to a function's own file, not to the compiled functions it calls
# from other files: any change to the engine's sources clears it.
KERNELS := $(VENV)/.kernels
$(KERNELS): $(STAMP) $(wildcard matcher/*.py)
	find matcher -name '*.nbi' -delete -o -name '*.nbc' -delete
	$(BIN)/python -m matcher
	touch $@

kernels: $(KERNELS)

# Links in mails start with it, and requests for any other host are refused (the tests
# set their own). granian's WSGI server, chosen by measurement (benchmarks/results/
# servers-200k.md: the most /match answers a second of granian, gunicorn and waitress);
# each of its WORKERS calls create_app, which indexes every city, before it accepts.
# One blocking thread a worker: more make the threads fight for the GIL (at 1 M posts and
# 4 connections, /match reached 36 % of the floor's throughput with one, 21 % with two).
WORKERS ?= 1
THREADS ?= 1
run: export VOISINAGE_BASE_URL ?= http://127.0.0.1:$(PORT)
run: kernels
	mkdir -p instance
	$(BIN)/flask --app web demo --if-absent
	$(BIN)/granian --interface wsgi --factory --workers $(WORKERS) --blocking-threads $(THREADS) --host 127.0.0.1 --port $(PORT) web:create_app

# Debian's chromium for the page tests (Playwright's own browser download is never used),
# installed with apt-get as root or through sudo. Without it the page tests skip, saying
# why, and under CI=true a skip is a failure.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "make: installing Debian's chromium for the page tests (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	  || echo "make: chromium could not be installed (needs root or sudo): the page tests will skip"; }

# Debian's PostgreSQL and PostGIS for the store tests, which start their own throwaway
# cluster on a free loopback port (tests/postgres.py), installed with apt-get as root or
# through sudo. Where the package has just created and started the system's `main`
# cluster, it is stopped and left to start by hand: no test uses it.
PG_PACKAGES := postgresql postgresql-15-postgis-3
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb /usr/share/postgresql/*/extension/postgis.control \
	    >/dev/null 2>&1 || { \
	  echo "make: installing Debian's $(PG_PACKAGES) for the store tests (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  had_server=$$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PG_PACKAGES) >/dev/null \
	  || echo "make: $(PG_PACKAGES) could not be installed (needs root or sudo): the store tests will skip"; \
	  if [ -z "$$had_server" ] && command -v pg_lsclusters >/dev/null; then \
	    pg_lsclusters -h | while read -r version name _; do \
	      echo "make: stopping the package's own cluster $$version/$$name (the tests start theirs)"; \
	      $$SUDO pg_ctlcluster "$$version" "$$name" stop 2>/dev/null; \
	      echo manual | $$SUDO tee "/etc/postgresql/$$version/$$name/start.conf" >/dev/null; \
	    done; \
	  fi; }

# Debian's nginx for the proxy test (tests/scaleout/test_proxy.py runs docs/nginx.conf on
# free loopback ports, started by the test itself), installed with apt-get as root or through
# sudo. The package's own service is not started by the tests.
proxy:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "make: installing Debian's nginx for the proxy test (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null \
	  || echo "make: nginx could not be installed (needs root or sudo): the proxy test will skip"; }

# The API and service tests run again on PostgreSQL (a throwaway cluster, tests/postgres.py);
# the page tests stay on SQLite.
PG_TESTS := tests/web

# pytest exits 5 when it collects no test; that is not a failure of the code.
test: kernels browser postgres proxy
	$(BIN)/python -m pytest; rc=$$?; [ $$rc -eq 5 ] && rc=0; [ $$rc -eq 0 ] || exit $$rc; \
	$(BIN)/python -m pytest --store=postgresql $(PG_TESTS)

bench: kernels
	$(BIN)/python -m benchmarks --quick

bench-full: kernels
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

clean:
	rm -rf $(VENV) instance
