# Each target that needs the app creates .venv and installs into it, so `make run` or `make test`
# is the only command a newcomer types.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DIST_STAMP := $(VENV)/.installed-dist

# Desktop integration (packaging/linux). The app id names the .desktop file, the metainfo and the
# icons; ui/qtapp.py hands the same name to QGuiApplication.setDesktopFileName().
APP_ID  := io.github.aniworld_desktop.AniworldDesktop
ICON_SIZES := 16 22 24 32 48 64 128 256 512
# A per-user install by default; a packager sets PREFIX=/usr DESTDIR=/tmp/stage.
PREFIX  ?= $(HOME)/.local
DESTDIR ?=
DATADIR  = $(DESTDIR)$(PREFIX)/share
# The program the menu entry starts: the bundle when `make dist` built one (installed under
# $(PREFIX)/lib), else this checkout's .venv. Either is linked as $(PREFIX)/bin/aniworld-desktop.
BUNDLE  ?= $(wildcard dist/aniworld-desktop/aniworld-desktop)

# Debian/Ubuntu CI machines run as root without these; elsewhere, install them yourself. The
# validators check packaging/linux; Xvfb and Qt's xcb libraries run the tests where the platform
# matters (the key schemes of X11, KDE and GNOME: tests/ui/test_keys.py); dbus-daemon gives the
# notification tests a private session bus (tests/ui/test_notifications.py).
XCB_LIBRARIES = libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1
NEED_DESKTOP_TOOLS = \
	@command -v desktop-file-validate >/dev/null && command -v appstreamcli >/dev/null && \
	command -v Xvfb >/dev/null && command -v dbus-daemon >/dev/null && \
	ldconfig -p | grep -q libxcb-icccm.so.4 && ldconfig -p | grep -q libxcb-keysyms.so.1 && \
	ldconfig -p | grep -q libxcb-cursor.so.0 && ldconfig -p | grep -q libxkbcommon-x11.so.0 || \
	(apt-get update -qq && apt-get install -y -qq desktop-file-utils appstream xvfb dbus-daemon \
		$(XCB_LIBRARIES))
# The shells whose completion scripts tests/integration/test_cli_completion.py runs.
NEED_SHELLS = \
	@command -v zsh >/dev/null && command -v fish >/dev/null || \
	(apt-get update -qq && apt-get install -y -qq zsh fish)

.PHONY: run test test-all lint bench screenshots clean venv dist icons install-desktop \
	uninstall-desktop translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,dist]'
	touch $(DIST_STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/aniworld-desktop $(ARGS)

# The suite in one worker process per CPU (pytest-xdist): most of its time is spent waiting on
# the programs, servers and windows the tests start, so two workers on two cores take 7.7 minutes
# where one took 14. A worker that is done takes tests from the other's share (worksteal: the
# long tests at the end of one share took 9.6 minutes). TEST_WORKERS=0 runs it in this process
# (a debugger, -x, --pdb).
TEST_WORKERS ?= auto

# Before the tests, the app's bytecode, written even where PYTHONDONTWRITEBYTECODE is set (this
# machine's shells set it): the hundreds of app processes the tests start then never compile
# it again (tests/integration 181 -> 163 s, measured).
test: $(STAMP)
	$(NEED_DESKTOP_TOOLS)
	$(NEED_SHELLS)
	$(BIN)/python -m compileall -q aniworld_desktop
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" -n $(TEST_WORKERS) --dist worksteal \
		$(PYTEST_ARGS)

test-all: $(STAMP)
	$(NEED_DESKTOP_TOOLS)
	$(NEED_SHELLS)
	$(BIN)/python -m compileall -q aniworld_desktop
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check aniworld_desktop tests packaging
	$(BIN)/ruff format --check aniworld_desktop tests packaging
	$(BIN)/mypy

# curl is the download benchmarks' reference. nginx serves their file (sendfile, one cheap
# process); without it they fall back to an aiohttp server that takes CPU from the app.
bench: $(STAMP)
	@command -v curl >/dev/null || (apt-get update -qq && apt-get install -y -qq curl)
	@command -v nginx >/dev/null || (apt-get update -qq && apt-get install -y -qq nginx-light) || \
		echo "make bench: no nginx; the download benchmarks serve with aiohttp"
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/run_all.py $(BENCH_ARGS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/screenshots.py docs/images

# The one-folder bundle dist/aniworld-desktop/ (PyInstaller), then a check that it starts:
# --version, the window offscreen on the demo catalogue, the command line, migrations.
dist: $(DIST_STAMP)
	rm -rf dist/aniworld-desktop
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/aniworld-desktop.spec
	$(BIN)/python packaging/smoke_test.py dist/aniworld-desktop/aniworld-desktop

# The window's translations: lupdate collects the texts of ui/*.py into the .ts files (German
# in full, English for the plural forms only), lrelease builds the .qm files the app loads.
# tests/ui/test_translation.py runs lupdate with the same options to see that they are current.
TS_DIR := resources/translations
LUPDATE := $(BIN)/pyside6-lupdate -locations none -no-obsolete -source-language en
translations: $(STAMP)
	$(LUPDATE) -target-language de aniworld_desktop/ui/*.py -ts $(TS_DIR)/aniworld_desktop_de.ts
	$(LUPDATE) -target-language en -pluralonly aniworld_desktop/ui/*.py \
		-ts $(TS_DIR)/aniworld_desktop_en.ts
	for ts in $(TS_DIR)/*.ts; do \
		$(BIN)/pyside6-lrelease -silent $$ts -qm $${ts%.ts}.qm || exit 1; \
	done

# PNG, ICO and ICNS icons from resources/icons/aniworld-desktop.svg (committed; rerun after
# changing the SVG).
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/render_icons.py

install-desktop:
	@test -n "$(BUNDLE)" || test -x "$(CURDIR)/$(BIN)/aniworld-desktop" || \
		echo "note: no program yet; run 'make dist' or 'make venv' before starting it from the menu"
	install -Dm644 packaging/linux/$(APP_ID).metainfo.xml $(DATADIR)/metainfo/$(APP_ID).metainfo.xml
	install -Dm644 packaging/linux/icons/hicolor/scalable/apps/$(APP_ID).svg \
		$(DATADIR)/icons/hicolor/scalable/apps/$(APP_ID).svg
	for size in $(ICON_SIZES); do \
		install -Dm644 packaging/linux/icons/hicolor/$${size}x$${size}/apps/$(APP_ID).png \
			$(DATADIR)/icons/hicolor/$${size}x$${size}/apps/$(APP_ID).png || exit 1; \
	done
	@# The program: a copy of the bundle, or a link to this checkout's .venv.
	install -d $(DESTDIR)$(PREFIX)/bin
	@if [ -e "$(DESTDIR)$(PREFIX)/bin/aniworld-desktop" ] && \
		[ ! -L "$(DESTDIR)$(PREFIX)/bin/aniworld-desktop" ]; then \
		echo "keeping $(PREFIX)/bin/aniworld-desktop, which is not ours (pip or pipx put it there?)"; \
	elif [ -n "$(BUNDLE)" ]; then \
		rm -rf $(DESTDIR)$(PREFIX)/lib/aniworld-desktop && \
		install -d $(DESTDIR)$(PREFIX)/lib && \
		cp -a $(dir $(BUNDLE)) $(DESTDIR)$(PREFIX)/lib/aniworld-desktop && \
		ln -sfn $(PREFIX)/lib/aniworld-desktop/aniworld-desktop \
			$(DESTDIR)$(PREFIX)/bin/aniworld-desktop && \
		echo "installed the bundle in $(PREFIX)/lib/aniworld-desktop"; \
	else \
		ln -sfn $(CURDIR)/$(BIN)/aniworld-desktop $(DESTDIR)$(PREFIX)/bin/aniworld-desktop && \
		echo "linked $(PREFIX)/bin/aniworld-desktop to $(CURDIR)/$(BIN)/aniworld-desktop"; \
	fi
	@# The menu may not have $(PREFIX)/bin on its PATH: the entry names the program in full.
	install -d $(DATADIR)/applications
	sed -e 's|^Exec=aniworld-desktop|Exec=$(PREFIX)/bin/aniworld-desktop|' \
		-e 's|^TryExec=aniworld-desktop|TryExec=$(PREFIX)/bin/aniworld-desktop|' \
		packaging/linux/$(APP_ID).desktop > $(DATADIR)/applications/$(APP_ID).desktop
	chmod 644 $(DATADIR)/applications/$(APP_ID).desktop
	@# Caches: a staged install (DESTDIR) leaves them to the package manager. An icon cache is
	@# only refreshed where one exists: a stale one would hide icons added later.
	@if [ -z "$(DESTDIR)" ]; then \
		if command -v update-desktop-database >/dev/null; then \
			update-desktop-database -q $(DATADIR)/applications || true; fi; \
		if [ -f $(DATADIR)/icons/hicolor/icon-theme.cache ] && \
			command -v gtk-update-icon-cache >/dev/null; then \
			gtk-update-icon-cache -q -t -f $(DATADIR)/icons/hicolor || true; \
		else touch $(DATADIR)/icons/hicolor; fi; \
	fi

uninstall-desktop:
	rm -f $(DATADIR)/applications/$(APP_ID).desktop
	rm -f $(DATADIR)/metainfo/$(APP_ID).metainfo.xml
	rm -f $(DATADIR)/icons/hicolor/scalable/apps/$(APP_ID).svg
	for size in $(ICON_SIZES); do \
		rm -f $(DATADIR)/icons/hicolor/$${size}x$${size}/apps/$(APP_ID).png; \
	done
	@# Only our own link, never a program pip or pipx installed under the same name.
	@if [ -L "$(DESTDIR)$(PREFIX)/bin/aniworld-desktop" ]; then \
		rm -f $(DESTDIR)$(PREFIX)/bin/aniworld-desktop; fi
	rm -rf $(DESTDIR)$(PREFIX)/lib/aniworld-desktop
	@if [ -z "$(DESTDIR)" ]; then \
		if command -v update-desktop-database >/dev/null; then \
			update-desktop-database -q $(DATADIR)/applications || true; fi; \
		if [ -f $(DATADIR)/icons/hicolor/icon-theme.cache ] && \
			command -v gtk-update-icon-cache >/dev/null; then \
			gtk-update-icon-cache -q -t -f $(DATADIR)/icons/hicolor || true; fi; \
	fi

clean:
	rm -rf $(VENV) build dist *.egg-info
