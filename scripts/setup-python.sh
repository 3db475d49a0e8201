#!/usr/bin/env bash
# Creates .venv at the repo root with the Python packages the generated backend module needs
# (the python probe and its tests use it). Skipped when the venv already has them.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv"
python_bin="${PYTHON:-python3}"
# The tested versions, from the one list the generator uses too (resources/versions.json).
supabase_minor="$(node -p 'require(process.argv[1]).python.supabase' "$repo_root/resources/versions.json")"
mapfile -t requirements < <(node -e '
  const p = require(process.argv[1]).python;
  console.log(`supabase==${p.supabase}.*`);
  console.log(`pydantic-settings${p["pydantic-settings"]}`);
  console.log(`httpx${p.httpx}`);
' "$repo_root/resources/versions.json")

# Test files run in parallel and each may call this script: one setup at a time.
mkdir -p "$repo_root/test/.cache"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$repo_root/test/.cache/.setup-python.lock"
  flock 9
fi

if [[ -x "$venv/bin/python" ]] \
  && "$venv/bin/python" -c 'import supabase, pydantic_settings, httpx, sys; sys.exit(0 if supabase.__version__.startswith(sys.argv[1] + ".") else 1)' "$supabase_minor" 2>/dev/null; then
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  "$python_bin" -m venv "$venv"
fi
# No retries by default: where the public index is unreachable and a local mirror serves the
# packages, each retry only adds back-off delays (minutes in total). PIP_RETRIES overrides it.
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --retries "${PIP_RETRIES:-0}" \
  "${requirements[@]}" > "$venv/install.log" 2>&1; then
  echo "setup-python: pip install failed (log below)" >&2
  cat "$venv/install.log" >&2
  exit 1
fi
