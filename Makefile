# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
QT_DEBS := libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 fonts-wqy-microhei

.PHONY: help venv sysdeps test demo run bench package wheelhouse clean screenshots

help:
	@echo "make demo   - two-party pipeline end to end on bundled data"
	@echo "make test   - the test suite (offscreen Qt)"
	@echo "make run    - start the desktop app (after make demo: in the demo's bank workspace)"
	@echo "make bench  - benchmarks with their reference figures"
	@echo "make screenshots - every screen in both languages to docs/screenshots/"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Qt's runtime libraries and a CJK font: installed when missing and we are root, else one hint.
sysdeps:
	@missing=$$(for p in $(QT_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system libraries for Qt: $$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || { echo "apt-get failed; install: $$missing" >&2; exit 1; }; \
	  else echo "please run: sudo apt-get install -y $$missing"; fi; \
	fi

test: $(STAMP) sysdeps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m 'not slow'

demo: $(STAMP)
	$(PY) -m app demo --out demo-out

# Every start-up view and page (each role) in Chinese and English at 1280x800.
screenshots: $(STAMP) sysdeps
	QT_QPA_PLATFORM=offscreen $(PY) -m app.ui.screenshots docs/screenshots

# After `make demo`: signed in to the demo bank's workspace (PARTY=platform for the other side).
DEMO_ACCESS := demo-out/workspaces.json
PARTY ?= bank
run: $(STAMP) sysdeps
	$(PY) -m app gui $(if $(wildcard $(DEMO_ACCESS)),--demo $(DEMO_ACCESS) --party $(PARTY))

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m benchmarks

# Frozen bundle + tarball + .deb (+ .sha256) in dist/, then the frozen bundle's slow tests.
package: $(STAMP) sysdeps
	$(PY) -m pip install --quiet -e '.[package]'
	$(PY) packaging/build.py
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m slow tests/test_packaging.py

# Every wheel for an offline `pip install --no-index --find-links wheelhouse/ -e .`
wheelhouse: $(STAMP)
	$(PY) packaging/wheelhouse.py --dest wheelhouse

clean:
	rm -rf $(VENV) build dist demo-out wheelhouse
