# SAS regulation console — set-up, run, test, bench.
# Every target does its own set-up from nothing and is quick when already set up.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ASSETS := resources/map/vendor/leaflet.js resources/map/vendor/leaflet.markercluster.js
export LANG ?= C.UTF-8
export QTWEBENGINE_DISABLE_SANDBOX ?= 1

.PHONY: all system setup run test bench soak screenshot dist selftest clean

all: setup

setup: system $(STAMP) $(ASSETS)

# Debian packages (Qt's libraries, Xvfb, npm, openssl, baresip, kamailio): installed when missing, as root.
system:
	bash scripts/system_packages.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(ASSETS): scripts/fetch_map_assets.sh
	bash scripts/fetch_map_assets.sh

run: setup
	$(BIN)/sas console

test: setup
	$(BIN)/ruff check app
	$(BIN)/mypy
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

# The long versions of the sync fault, crash and concurrency tests (tests/sync), PostgreSQL included.
soak: setup
	SAS_SOAK=1 $(BIN)/pytest -p no:cacheprovider tests/sync tests/server/test_server_journal.py --timeout=3600

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

screenshot: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/sas console --data-dir .cache/screenshot --screenshot docs/screenshot.png

# The one-folder application (build.spec): dist/sas-console/sas-console, prints its build time and size.
DIST_EXE := dist/sas-console/sas-console

dist: setup
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller build.spec && \
	echo "dist: dist/sas-console/ construit en $$(( $$(date +%s) - start )) s, $$(du -sm dist/sas-console | cut -f1) Mo"

$(DIST_EXE):
	$(MAKE) dist

# Smoke test of the built application (offline, throwaway data); `make dist` first to rebuild.
selftest: $(DIST_EXE)
	QT_QPA_PLATFORM=offscreen $(DIST_EXE) --self-test --out .cache/self-test.png

clean:
	rm -rf $(VENV) resources/map/vendor .pytest_cache .cache build dist
