#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion (contrib/completion/ktrail.bash): commands, option
# values, -e's comma lists of events and sets from `ktrail list` (with
# '-' exclusions), -o's formats, describe's event names, and nothing
# after "--" (the traced command's words).  No root needed.
. "$TESTLIB"
COMP=${srcdir:-.}/contrib/completion/ktrail.bash
[ -r "$COMP" ] || fail "no $COMP"
# shellcheck disable=SC1090
. "$COMP"

# comp WORDS...: complete the last word (empty: a new word) of "ktrail WORDS".
comp() {
	COMP_WORDS=("$KTRAIL" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_ktrail
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# want "GOT" "WANT" WHAT
want() {
	[ "$1" = "$2" ] || fail "$3: completed to '$1', want '$2'"
}

want "$(comp des)" "describe" "a command"
want "$(comp --summ)" "--summary-by" "an option"
want "$(comp --compat '')" "auto off on" "--compat's values"
want "$(comp --summary-by p)" "process" "--summary-by's values"
want "$(comp -o summary)" "summary summary-csv summary-csv: summary:" "-o's formats"
want "$(comp -e ipc_m)" "ipc_msgq" "a set"
want "$(comp -e msgsnd,mq_timeds)" "msgsnd,mq_timedsend msgsnd,mq_timedsend_time32" \
	"the last item of a comma list"
want "$(comp -e -msgr)" "-msgrcv" "an exclusion"
want "$(comp describe sendm)" "sendmmsg sendmsg" "describe's events"
want "$(comp -e ipc -- ls -)" "" "the traced command's words"
# Every event ktrail lists is offered after -e.
n=$("$KTRAIL" list | awk 'NR > 1' | wc -l)
got=$(comp -e '' | wc -w)
[ "$got" -gt "$n" ] || fail "-e offers $got names, fewer than the $n events and their sets"
log "ok: bash completion ($got names after -e)"
