# The two commands of the README: `make run` and `make test`. Everything else is set-up they need.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Pinned contexts that are not the project's own (Open Badges 3.0): the workplace's shared set,
# when it is there and nothing else was chosen.
ifneq ($(wildcard ../shared/contexts/manifest.json),)
VC_SERVICE_CONTEXTS_DIR ?= $(abspath ../shared/contexts)
export VC_SERVICE_CONTEXTS_DIR
endif

.PHONY: run test bench venv clean

$(STAMP): pyproject.toml
	@python=$$(scripts/find-python.sh) || exit 1; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/vc-service up

test: $(STAMP)
	$(VENV)/bin/pytest

# Timing lives here, never in the tests: service vs agent, signing and verifying.
bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) var
