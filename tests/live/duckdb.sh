#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ktrail's CSV and JSON load into DuckDB untouched (issue 18): through the
# npm package @duckdb/node-api (contrib/duckdb-deps.sh installs it), a
# trace's CSV with read_csv and its JSON lines with read_json, with no
# option but the format.  The types DuckDB infers for the columns people
# query are asserted, and queries give the workload's own counts and
# values: rows per event, msgrcv's bytes received, one msgsnd's queue id.
. "$TESTLIB"
require_root
require_tracefs
require_workload
PREFIX=${KT_DUCKDB_PREFIX:-/var/cache/ktrail-npm}
command -v node > /dev/null || skip "no node (DuckDB's tests run through npm @duckdb/node-api)"
[ -d "$PREFIX/node_modules/@duckdb/node-api" ] ||
	skip "DuckDB (npm @duckdb/node-api) is not in $PREFIX: contrib/duckdb-deps.sh installs it where the npm registry is reachable"

rc=0
run_ktrail -e ipc_msgq,net_snd_rcv -o csv:"$T/t.csv" -o json:"$T/t.jsonl" \
	-- "$IPCWORK" --fork --loops 3 > "$T/wl.txt" 2> "$T/err" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/err"; fail "the trace exited $rc"; }
# What the workload itself printed.
msgsnd=$(grep -c '^@@ msgsnd ' "$T/wl.txt")
calls=$(grep -c '^@@ ' "$T/wl.txt")
starts=$(grep -c '^@@ start ' "$T/wl.txt")
rcvd=$(awk '/^@@ msgrcv / { for (i = 1; i <= NF; i++) if ($i ~ /^ret=/) { v = substr($i, 5); if (v > 0) s += v } } END { print s + 0 }' "$T/wl.txt")
qid=$(awk '/^@@ msgsnd / { for (i = 1; i <= NF; i++) if ($i ~ /^msqid=/) { print substr($i, 7); exit } }' "$T/wl.txt")
rows=$(($(grep -c . "$T/t.csv") - 1))

cat > "$T/q.cjs" << 'JS'
const { DuckDBInstance } = require('@duckdb/node-api');
const [csv, json] = process.argv.slice(2);
(async () => {
	const db = await DuckDBInstance.create(':memory:');
	const c = await db.connect();
	const one = async (q) => (await c.runAndReadAll(q)).getRows();
	const types = async (src) => Object.fromEntries((await one(`DESCRIBE SELECT * FROM ${src}`))
		.map((r) => [r[0], r[1]]));
	const C = `read_csv('${csv}')`, J = `read_json('${json}', format='newline_delimited')`;
	const ct = await types(C), jt = await types(J);
	const pick = (t, names) => names.map((n) => `${n}=${t[n]}`).join(' ');
	console.log('csv ' + pick(ct, ['timestamp', 'processorId', 'processId', 'threadId',
		'processName', 'eventId', 'eventName', 'isCompat', 'state', 'returnValue', 'msqid',
		'msgsz', 'msgflg']));
	console.log('json ' + pick(jt, ['timestamp', 'processId', 'processName', 'eventName',
		'argsNum', 'contextFlags', 'args']));
	const n = async (q) => String((await one(q))[0][0]);
	console.log('rows ' + await n(`SELECT count(*) FROM ${C}`) + ' ' +
		await n(`SELECT count(*) FROM ${J}`));
	console.log('msgsnd ' + await n(`SELECT count(*) FROM ${C} WHERE eventName = 'msgsnd'`) + ' ' +
		await n(`SELECT count(*) FROM ${J} WHERE eventName = 'msgsnd'`));
	console.log('rcvd ' + await n(`SELECT coalesce(sum(returnValue), 0) FROM ${C}
		WHERE eventName = 'msgrcv' AND returnValue > 0`));
	console.log('qid ' + await n(`SELECT msqid FROM ${C} WHERE eventName = 'msgsnd'
		ORDER BY timestamp LIMIT 1`) + ' ' +
		await n(`SELECT a.value FROM (SELECT unnest(args) AS a, timestamp FROM ${J}
		WHERE eventName = 'msgsnd') WHERE a.name = 'msqid' ORDER BY timestamp LIMIT 1`));
})().catch((e) => { console.error(String(e)); process.exit(1); });
JS
NODE_PATH=$PREFIX/node_modules node "$T/q.cjs" "$T/t.csv" "$T/t.jsonl" > "$T/out" 2> "$T/nerr" ||
	{ show "$T/nerr"; fail "DuckDB could not load or query the trace"; }
show "$T/out" "DuckDB"
want() {
	grep -qxF -- "$1" "$T/out" || fail "DuckDB: want the line '$1'"
}
want "csv timestamp=BIGINT processorId=BIGINT processId=BIGINT threadId=BIGINT processName=VARCHAR eventId=BIGINT eventName=VARCHAR isCompat=BIGINT state=VARCHAR returnValue=BIGINT msqid=BIGINT msgsz=BIGINT msgflg=VARCHAR"
want "json timestamp=BIGINT processId=BIGINT processName=VARCHAR eventName=VARCHAR argsNum=BIGINT contextFlags=STRUCT(containerStarted BOOLEAN, isCompat BOOLEAN) args=STRUCT(\"name\" VARCHAR, \"type\" VARCHAR, \"value\" JSON, raw BIGINT)[]"
want "rows $rows $rows"
want "msgsnd $msgsnd $msgsnd"
want "rcvd $rcvd"
want "qid $qid $qid"
[ $((calls - starts)) = "$rows" ] || fail "the CSV has $rows rows, the workload made $((calls - starts)) calls"
log "ok: DuckDB loads the CSV and JSON untouched ($rows rows)"
