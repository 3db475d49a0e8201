#!/usr/bin/env bash
# Checks the README's first command on a fresh clone of the current commit:
#   npm install && node bin/create-saas-db.js ../my-app
# then that the commands the report prints work where the user is: the verify command it names is
# run from the new project. Uses npm's cache first (--prefer-offline); slow (a full install and
# build), so it is not part of `npm test`. Usage: scripts/check-fresh-clone.sh [commit]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit="${1:-$(git -C "$repo_root" rev-parse HEAD)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/csdb-fresh-clone-XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "clone $commit"
git clone --quiet --no-checkout "$repo_root" "$work/create-saas-db"
git -C "$work/create-saas-db" checkout --quiet "$commit"
cd "$work/create-saas-db"
[[ ! -e dist ]] || { echo "dist/ is committed: a fresh clone must build it" >&2; exit 1; }

step "npm install (builds dist/ through prepare)"
npm install --prefer-offline --no-audit --no-fund --loglevel=error
[[ -f dist/cli/create-command.js ]] || { echo "npm install did not build dist/" >&2; exit 1; }
ls dist/engine-image/pglite-standin-*.tar >/dev/null

step "node bin/create-saas-db.js ../my-app"
report="$(CI=true node bin/create-saas-db.js ../my-app --no-install)"
printf '%s\n' "$report"
[[ -f ../my-app/apps/web/package.json && -f ../my-app/packages/backend/src/config.py ]]

step "the verify command the report names, run from the new project"
verify_line="$(printf '%s\n' "$report" | grep -E '^  .*create-saas-db(\.js)? verify 04' | sed -E 's/^  //; s/ +#.*$//')"
expected="node $work/create-saas-db/bin/create-saas-db.js verify 04"
[[ "$verify_line" == "$expected" ]] || { echo "next steps name '$verify_line', expected '$expected'" >&2; exit 1; }
(cd ../my-app && eval "$verify_line --skip pgtap,typescript,python")

step "fresh clone OK"
