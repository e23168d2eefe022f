#!/usr/bin/env bash
# Installs synsim from BUILD_DIR into a temporary prefix, then configures,
# builds and runs tests/example-project against it with find_package(synsim):
# the check that the installed package works for another project.
set -euo pipefail
build_dir="$1"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$here" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/backlog_hypothesis"
