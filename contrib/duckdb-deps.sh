#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# DuckDB for tests/live/duckdb.sh: the npm package @duckdb/node-api (it
# ships DuckDB's prebuilt library) under $KT_DUCKDB_PREFIX
# (/var/cache/ktrail-npm).  Needs node and npm and the npm registry; the
# test skips (77) with the reason when any is missing.  Run by
# contrib/run-tests.sh; never by the build or the quickstart.
PREFIX=${KT_DUCKDB_PREFIX:-/var/cache/ktrail-npm}
command -v node > /dev/null && command -v npm > /dev/null ||
	{ echo "duckdb-deps: no node or npm: tests/live/duckdb.sh will skip"; exit 0; }
if [ -d "$PREFIX/node_modules/@duckdb/node-api" ]; then
	exit 0
fi
mkdir -p "$PREFIX"
timeout 300 npm install --prefix "$PREFIX" --no-audit --no-fund --silent @duckdb/node-api > "$PREFIX/install.log" 2>&1 ||
	{ echo "duckdb-deps: npm install @duckdb/node-api failed (see $PREFIX/install.log): tests/live/duckdb.sh will skip"; exit 0; }
echo "duckdb-deps: @duckdb/node-api in $PREFIX"
