# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
MANAGE := $(BIN)/python manage.py
HOST   ?= 127.0.0.1:8000

.PHONY: install translations migrate demo run test lint bench bench-smoke

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

translations: install
	$(MANAGE) compile_translations

migrate: install
	mkdir -p var
	$(MANAGE) migrate --database default --noinput
	$(MANAGE) migrate --database crt --noinput
	$(MANAGE) sync_roles
	$(MANAGE) install_schedule

demo: migrate
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo

run: translations demo
	@echo ""
	@echo "  HVT/CRT runs on http://$(HOST)  –  demo accounts demo-<role>, password: $${DEMO_PASSWORD:-Oekraine-2022-demo}"
	@echo "  TOTP secret of the demo accounts that need a second factor: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	@echo ""
	$(MANAGE) runserver $(HOST)

test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m benchmarks.run --scale $${SCALE:-10}

bench-smoke: install
	$(BIN)/python -m benchmarks.run --scale 0.05 --smoke
