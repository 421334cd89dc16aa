#!/bin/sh
# Native build shared by apps/django and apps/fastapi (their app.json native.build runs
# `sh ../pycommon/build-venv.sh` in the app folder).
#
# Creates .venv in the current app folder, installs requirements.txt + requirements-dev.txt in
# pip's hash-checking mode (wheels only: nothing is compiled), and makes ../pycommon importable
# through a .pth file (a plain path, so --require-hashes never sees an unhashed local package).
# Idempotent: when the interpreter and both requirement files are unchanged since the last
# successful build (a stamp holds their digest) it only refreshes the .pth file.
set -eu
PY=${PYTHON:-python3}
[ -f requirements.txt ] && [ -f requirements-dev.txt ] || { echo "build-venv.sh: run me in an app folder" >&2; exit 2; }
want=$( { "$PY" -c 'import sys; print(sys.version)'; cat requirements.txt requirements-dev.txt; } | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat .venv/.build-stamp 2>/dev/null || true)" = "$want" ]; then
  echo "build-venv.sh: .venv is up to date"
else
  rm -rf .venv
  "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input \
    --require-hashes --only-binary :all: -r requirements.txt -r requirements-dev.txt
  echo "build-venv.sh: installed $(.venv/bin/python -m pip list --format=freeze --disable-pip-version-check | wc -l) packages into .venv"
fi
common=$(cd ../pycommon && pwd -P)
.venv/bin/python -c 'import sys, sysconfig, os; open(os.path.join(sysconfig.get_paths()["purelib"], "pycommon.pth"), "w").write(sys.argv[1] + "\n")' "$common"
echo "$want" > .venv/.build-stamp
