#!/usr/bin/env bash
# Installs the reference Bluesky PDS (@atproto/pds 0.4.217, the last release for Node < 22) and
# a PLC directory (@did-plc/server) into a cache folder for the Bluesky tests, from the lock file
# beside this script. Idempotent: does nothing when that lock file is already installed there.
# The folder is ${COMPOSER_PDS_DIR:-$HOME/.cache/composer-test-pds}; the tests look there too.
# better-sqlite3 is a native module: built here if npm skipped its install script (npm 11 may),
# against the local Node headers when they are installed, so nothing is fetched from nodejs.org.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${COMPOSER_PDS_DIR:-$HOME/.cache/composer-test-pds}"

command -v node >/dev/null 2>&1 || { echo "pds: node is not installed" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "pds: npm is not installed" >&2; exit 1; }
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then echo "pds: Node $(node --version) is too old (18 or later)" >&2; exit 1; fi

mkdir -p "$dest"
if cmp -s "$here/package-lock.json" "$dest/package-lock.json" \
   && [ -f "$dest/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ] \
   && [ -f "$dest/.installed" ]; then
  echo "pds: already installed in $dest"
  exit 0
fi
rm -f "$dest/.installed"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
if [ ! -f "$dest/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
  (cd "$dest" && npm rebuild better-sqlite3 --loglevel=error >/dev/null)
fi
(cd "$dest" && node -e "require('better-sqlite3')(':memory:').close(); require('@atproto/pds'); require('@did-plc/server')")
touch "$dest/.installed"
echo "pds: installed in $dest"
