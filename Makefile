# Seminar Archive: `make run` starts the app, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package
ICONS ?= build/icons
BUNDLE ?= dist/seminar-archive

.PHONY: run test test-slow test-package lint typecheck bench wheel package icons check-desktop \
	install-desktop uninstall-desktop system-deps runtime-deps clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# PyInstaller and Pillow (the .ico and .icns icons), for `make package`.
$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,package]'
	touch $(PACKAGE_STAMP)

run: runtime-deps $(STAMP)
	$(BIN)/seminar-archive gui

# The libraries Qt's xcb plugin loads: installed as root, else the apt-get line and a stop.
runtime-deps:
	@bash packaging/install-system-deps.sh --runtime

# The runtime libraries plus Xvfb for the tests.
system-deps:
	@bash packaging/install-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) system-deps lint typecheck check-desktop
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow"

test-slow: $(PACKAGE_STAMP) system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m slow

# The bundle `make package` built, run from dist/: CLI, first paint, install and uninstall.
test-package: package system-deps
	SEMINAR_ARCHIVE_BUNDLE=$(BUNDLE) QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -m slow tests/e2e/test_bundle.py

bench: $(STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/gui.py

wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps --wheel-dir dist .

# A one-folder bundle with its own Python and Qt: dist/seminar-archive/seminar-archive.
package: $(PACKAGE_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/seminar-archive.spec
	@du -sh $(BUNDLE) | sed 's/\t/  /; s/^/bundle size: /'

# The application icon in the hicolor sizes, drawn from resources/icons/seminar-archive.svg.
icons: $(STAMP)
	$(BIN)/python packaging/make_icons.py $(ICONS) >/dev/null

# The desktop entry and the AppStream metadata pass their validators (the MIME type is checked
# by tests/e2e/test_desktop_integration.py, through Qt's MIME database).
check-desktop:
	@bash packaging/install-system-deps.sh --desktop
	desktop-file-validate packaging/seminar-archive.desktop
	appstreamcli validate --no-net packaging/io.github.seminar_archive.metainfo.xml

# For the current user, under $${XDG_DATA_HOME:-~/.local/share} (see packaging/README.md).
install-desktop: icons
	BUNDLE=$(BUNDLE) bash packaging/desktop-integration.sh install $(ICONS)

uninstall-desktop:
	bash packaging/desktop-integration.sh uninstall

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
