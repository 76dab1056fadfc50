#!/usr/bin/env bash
# Rewrites every golden file: runs -update in each package whose tests use
# internal/golden. Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=$(go list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
	awk '/secprof\/internal\/golden/ {print $1}')
go test $pkgs -count=1 -update
git status --short -- '*testdata*'
