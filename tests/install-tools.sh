#!/usr/bin/env bash
# Puts the system tools the test suite drives in place: Chromium (axe-core,
# Lighthouse, screenshots), Java (the Nu HTML Checker; a JDK, to run the
# e-book checker's launcher from its source), EPUBCheck (the e-books),
# libfaketime (the reproducibility test), shellcheck (for actionlint) and
# Node.js/npm (the checkers themselves).
#
# As root on Debian or Ubuntu (CI) it installs them with apt. Elsewhere it
# uses Playwright's own Chromium if there is no system one, and otherwise
# stops with the exact command to run. It never lets a check be skipped.
set -euo pipefail

missing=()
have_chromium() { command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "${UNSCRIPTED_CHROMIUM:-}" ]; }
have_chromium || missing+=(chromium)
command -v java >/dev/null && command -v javac >/dev/null || missing+=(default-jdk-headless)
[ -f "${UNSCRIPTED_EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}" ] || missing+=(epubcheck)
command -v faketime >/dev/null || missing+=(faketime)
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v npm >/dev/null || missing+=(nodejs npm)
# Chromium needs some fonts to render pages; Debian's minimal images have none.
[ -d /usr/share/fonts/truetype/dejavu ] || [ "$(uname)" != Linux ] || missing+=(fonts-dejavu-core)
# ...and, like readers' machines, fonts for Chinese, Japanese, Korean and emoji (the site
# leaves those scripts to readers' own fonts), so that screenshots show what readers see.
[ -d /usr/share/fonts/opentype/noto ] || [ "$(uname)" != Linux ] || missing+=(fonts-noto-cjk fonts-noto-color-emoji)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing test tools with apt: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

if ! have_chromium && [ -x .venv/bin/python ] && [ "$(uname)" != Linux ]; then
  # Not a Debian machine we may administer: Playwright's managed Chromium will do.
  .venv/bin/python -m playwright install chromium
  missing=("${missing[@]/chromium}")
fi

remaining=$(printf '%s ' "${missing[@]}" | xargs)
if [ -n "$remaining" ]; then
  echo "The test suite needs: $remaining" >&2
  if command -v apt-get >/dev/null; then
    echo "Install them with:  sudo apt-get install -y $remaining" >&2
  elif command -v brew >/dev/null; then
    echo "Install them with:  brew install ${remaining//default-jdk-headless/openjdk}" >&2
    case " $remaining " in
      *" epubcheck "*) echo "then set UNSCRIPTED_EPUBCHECK_JAR to the epubcheck.jar that Homebrew installed" >&2 ;;
    esac
  else
    echo "Install them with your system's package manager, then run make test again." >&2
  fi
  exit 1
fi
