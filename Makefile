# Jinguo developer commands. Everything runs from .venv/bin; nothing needs activating.
#   make demo    fresh demo database with the Songhe community and demo logins, then runserver
#   make test    lint (ruff, mypy) and the test suite
#   make echarts rebuild our ECharts (vendor/echarts/echarts.custom.min.js) from tools/echarts/
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := $(CURDIR)/var/demo.sqlite3
# The bare settings are production's (DEBUG off, keys required): the demo is a development site,
# with DEBUG on and the published development keys.
DEMO_ENV := JINGUO_DEBUG=true DATABASE_URL=sqlite:///$(DEMO_DB)
HOST ?= 127.0.0.1:8000

.PHONY: demo totp test lint pytest install browser lock echarts

install: $(STAMP)

# The browser tests drive Debian's Chromium (never `playwright install`, which downloads one);
# the pages are Chinese, so screenshots need a CJK font too. The work report's tests render its
# PDF with poppler (pdftoppm, pdffonts; poppler-data maps its Chinese font).
BROWSER_PACKAGES := chromium fonts-wqy-microhei poppler-utils poppler-data
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || \
		[ ! -x /usr/bin/pdftoppm ] || [ ! -d /usr/share/poppler/cMap ]; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "The browser tests need: sudo apt-get install -y $(BROWSER_PACKAGES)" >&2; exit 1; \
		fi; \
		apt-get install -y -q $(BROWSER_PACKAGES) || \
			{ apt-get update -q && apt-get install -y -q $(BROWSER_PACKAGES); }; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every dependency, transitive ones and the build backend included, comes from the lock file
# with its hashes; the project itself is then installed without resolving anything.
# Reinstall only when pyproject.toml or the lock file changes.
LOCK := requirements-dev.lock
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Regenerate both lock files from pyproject.toml (see "Updating dependencies" in the README).
# pip-tools lives in a virtual environment of its own, so it never enters the project's.
# UPGRADE='--upgrade-package NAME' (or --upgrade) lets pip-compile move pins; without it, pins
# that still satisfy pyproject.toml stay where they are.
TOOLS := .venv-tools
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --all-build-deps --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	test -x $(TOOLS)/bin/pip-compile || \
		{ $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet pip-tools==7.6.2; }
	$(TOOLS)/bin/pip-compile $(LOCK_FLAGS) $(UPGRADE) -o requirements.lock pyproject.toml
	$(TOOLS)/bin/pip-compile $(LOCK_FLAGS) $(UPGRADE) --extra dev -o requirements-dev.lock pyproject.toml

demo: install
	mkdir -p var
	rm -f $(DEMO_DB) $(DEMO_DB)-journal $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(DEMO_ENV) $(BIN)/jinguo migrate --verbosity 0
	@# Compiled catalogues (.mo) are committed; recompile only when gettext's msgfmt is here.
	@if [ -d jinguo/locale ] && command -v msgfmt >/dev/null 2>&1; then \
		$(DEMO_ENV) $(BIN)/jinguo compilemessages --ignore '$(VENV)' --verbosity 0; \
	fi
	$(DEMO_ENV) $(BIN)/jinguo load_demo
	@echo
	@echo "演示站点：http://$(HOST)/  （以上账号的密码相同；按 Ctrl+C 停止）"
	$(DEMO_ENV) $(BIN)/jinguo runserver $(HOST)

# The current one-time code of a demo administrator: make totp NAME=sysadmin
totp:
	@test -n "$(NAME)" || { echo "usage: make totp NAME=<username>" >&2; exit 2; }
	@$(DEMO_ENV) $(BIN)/jinguo totp_code $(NAME)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy jinguo config

# Two workers: the suite is CPU-bound and every machine here has at least two cores.
pytest: install browser
	$(BIN)/pytest -n 2

test: lint pytest

# Our ECharts with only the charts and components the pages use (tools/echarts/README.md):
# npm versions from tools/echarts/package-lock.json, bundled by esbuild. Commit the result.
echarts:
	cd tools/echarts && npm ci --no-audit --no-fund && node build.mjs
