# The two commands of the README: `make run` and `make test`. Everything else is set-up they need.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Pinned contexts that are not the project's own (Open Badges 3.0): the workplace's shared set,
# beside this checkout or, for a local clone made elsewhere, beside the repository it was cloned
# from; when it is there and nothing else was chosen.
CLONED_FROM := $(shell git config --get remote.origin.url 2>/dev/null)
SHARED_MANIFEST := $(firstword $(wildcard ../shared/contexts/manifest.json $(CLONED_FROM)/../shared/contexts/manifest.json))
ifneq ($(SHARED_MANIFEST),)
VC_SERVICE_CONTEXTS_DIR ?= $(abspath $(dir $(SHARED_MANIFEST)))
export VC_SERVICE_CONTEXTS_DIR
endif

# The development Indy ledger (AnonCreds tests, `make ledger`) runs indy-node on Python 3.8.
LEDGER_STAMP := .ledger-venv/.installed

# The page tests drive Debian's chromium (never a browser a test tool downloads).
CHROMIUM := /usr/bin/chromium

# Independent JavaScript implementations the tests check credentials with (tests/node/), installed
# from the committed lock only, without install scripts.
NODE_STAMP := tests/node/node_modules/.installed
# A Learner Credential Wallet stand-in on the app's own signing libraries (tests/wallets/lcw/).
LCW_STAMP := tests/wallets/lcw/node_modules/.installed
# A Credo 0.6 wallet (DIDComm and OpenID4VCI holder) that plays a member's phone (tests/wallets/credo/).
CREDO_STAMP := tests/wallets/credo/node_modules/.installed

.PHONY: run test test-fast lint bench venv ledger ledger-down clean

$(STAMP): pyproject.toml
	@python=$$(scripts/find-python.sh) || exit 1; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

$(LEDGER_STAMP): ledger/requirements.txt ledger/install-venv.sh
	ledger/install-venv.sh .ledger-venv

# A 4-node Indy pool and a tails server on loopback (var/ledger/); prints the settings to use it.
ledger: $(STAMP) $(LEDGER_STAMP)
	$(VENV)/bin/vc-service ledger up

ledger-down: $(STAMP)
	$(VENV)/bin/vc-service ledger down

run: $(STAMP)
	$(VENV)/bin/vc-service up

$(CHROMIUM):
	@echo "Installing Debian's chromium for the page tests"
	@sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get install -y --no-install-recommends chromium || \
	  { $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends chromium; } || \
	  { echo "Cannot install chromium: run 'apt-get install chromium' as root, then make test again."; exit 1; }

$(NODE_STAMP): tests/node/package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --prefix tests/node
	@touch $(NODE_STAMP)

$(LCW_STAMP): tests/wallets/lcw/package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --prefix tests/wallets/lcw
	@touch $(LCW_STAMP)
$(CREDO_STAMP): tests/wallets/credo/package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --prefix tests/wallets/credo
	@touch $(CREDO_STAMP)

# ruff (lint and format) over the repository; mypy over the package.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: lint $(STAMP) $(LEDGER_STAMP) $(CHROMIUM) $(NODE_STAMP) $(LCW_STAMP) $(CREDO_STAMP)
	$(VENV)/bin/pytest

# The inner loop: every test that starts no service, agent, ledger or browser (both databases).
test-fast: $(STAMP)
	$(VENV)/bin/pytest --fast -q

# Timing lives here, never in the tests: service vs agent, signing and verifying.
bench: $(STAMP)
	$(PY) -m bench.run

clean:
	-[ -x $(VENV)/bin/vc-service ] && $(VENV)/bin/vc-service ledger down
	rm -rf $(VENV) .ledger-venv var
