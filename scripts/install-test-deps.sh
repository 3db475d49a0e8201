#!/usr/bin/env bash
# Installs the real web dependencies the compile tests typecheck against, once:
#   test/.cache/web-deps     Next 16 (proxy.ts)
#   test/.cache/web-deps-15  Next 15 (middleware.ts)
# Each set is skipped when its node_modules was installed from the same pinned manifest.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="$repo_root/test/.cache"

# The tested versions, from the one list the generator uses too (resources/versions.json); zod is
# there for the guide's lib/env.ts.
versions="$repo_root/resources/versions.json"
common_deps="$(node -e '
  const v = require(process.argv[1]);
  const { next, ...web } = v.web;
  const deps = { ...web, zod: "3.25.76", ...v.webDev };
  process.stdout.write(Object.entries(deps).map(([n, ver]) => `\n  "${n}": "${ver}"`).join(","));
' "$versions")"
next16="$(node -p 'require(process.argv[1]).web.next' "$versions")"
next15="$(node -p 'require(process.argv[1]).next15' "$versions")"

install_set() {
  local dir="$1" next_version="$2"
  local manifest
  manifest="$(printf '{\n  "name": "create-saas-db-test-web-deps",\n  "private": true,\n  "dependencies": {\n    "next": "%s",%s\n  }\n}\n' "$next_version" "$common_deps")"

  # The stamp is written only after a successful install, so an interrupted run retries.
  if [[ -f "$dir/.installed-manifest.json" && -d "$dir/node_modules" ]] \
    && [[ "$(cat "$dir/.installed-manifest.json")" == "$manifest" ]]; then
    return 0
  fi

  mkdir -p "$dir"
  rm -f "$dir/.installed-manifest.json"
  printf '%s' "$manifest" > "$dir/package.json"
  if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error --no-update-notifier > "$dir/install.log" 2>&1); then
    echo "install-test-deps: npm install failed in $dir (log below)" >&2
    cat "$dir/install.log" >&2
    return 1
  fi
  printf '%s' "$manifest" > "$dir/.installed-manifest.json"
}

# Test files run in parallel and each may call this script: one install at a time.
mkdir -p "$cache_root"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.install-test-deps.lock"
  flock 9
fi

install_set "$cache_root/web-deps" "$next16"
install_set "$cache_root/web-deps-15" "$next15"
