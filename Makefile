# Two commands do everything on a fresh clone: `make report` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
AXE    := tools/axe/node_modules/axe-core/axe.min.js
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: report test setup system-deps bench mutate clean messages

# `make report PDF=1` also prints out/openai.pdf with Chromium (installed when missing).
report: $(STAMP) $(if $(PDF),system-deps)
	$(VENV)/bin/cashcast run assumptions/openai.xlsx --out out $(if $(PDF),--pdf)

# Two worker processes (pytest-xdist), one per core; each test file stays in one worker, so a file's
# shared LibreOffice, Gnumeric or Chromium run happens once.
test: $(STAMP) system-deps $(AXE)
	$(VENV)/bin/pytest -n 2 --dist loadfile

setup: $(STAMP)

# axe-core for the accessibility tests (tests/test_html_a11y.py), pinned by tools/axe/package-lock.json.
$(AXE): tools/axe/package.json tools/axe/package-lock.json | system-deps
	cd tools/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

# Python packages, in a virtual environment created when missing.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

# The real clients the tests drive: LibreOffice Calc and Gnumeric (Excel parity, two engines) and
# Chromium (HTML report, PDF); npm installs axe-core for the accessibility tests. Debian's npm only when there
# is none: a Node.js from NodeSource carries its own npm, and Debian's package conflicts with it (apt gives up).
system-deps:
	@if ! command -v soffice >/dev/null || ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! command -v ssconvert >/dev/null || ! command -v npm >/dev/null \
	    || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui gnumeric chromium fonts-dejavu-core fonts-noto-cjk poppler-utils \
	    $$(command -v npm >/dev/null || echo npm) >/dev/null; \
	fi

bench: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_scenarios.py
	$(PY) benchmarks/bench_excel.py
	$(PY) benchmarks/bench_run.py --big

# Mutation testing (not part of `make test`; see README "Mutation testing"): mutmut over the model's
# formulas and their Excel renderings, the LibreOffice parity tests in the run, on every core, niced.
# `make mutate GROUP=model` (or excel, v2, analysis, uncertainty, library, reading) runs one group. It continues from the
# verdicts committed in mutation/verdicts/ (the mutants of functions changed since run again); FRESH=1 runs all.
mutate: $(STAMP) system-deps
	$(PY) -m pip install -q "mutmut>=3.8.1,<4"
	$(PY) mutation/run.py $(if $(GROUP),--group $(GROUP)) $(if $(FRESH),--fresh)

# Re-extract the report's translatable strings into reports/locale/cashcast.pot and add the new ones to
# each language's .po (then fill in their msgstr; tests/test_i18n.py fails until every one is translated).
messages: $(STAMP)
	$(PY) tools/messages.py

clean:
	rm -rf out .pytest_cache .hypothesis .mutation
