# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for ktrail: commands, options and their values, and the
# events and sets of -e (and describe) from `ktrail list`, the binary's own
# catalog.  Installed by `make install` in bash-completion's directory.

_ktrail_names()
{
	# Event names (first column) and set names (fourth), once per shell.
	if [ -z "${_ktrail_names_cache:-}" ]; then
		_ktrail_names_cache=$("${1:-ktrail}" list 2> /dev/null | awk 'NR > 1 {
			print $1; n = split($4, s, ","); for (i = 1; i <= n; i++) print s[i] }' |
			sort -u | tr '\n' ' ')
	fi
	printf '%s' "$_ktrail_names_cache"
}

_ktrail()
{
	local cur prev cmd i w
	local opts="--events --output --pid --quiet --reader --buffer-size --compat --probes
		--overwrite --output-device --scope --raw --sort --user --clock --compress --summary-by --interval --info
		--help --version"

	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=trace
	# After "--", the traced command's own words: nothing of ours.
	for ((i = 1; i < COMP_CWORD; i++)); do
		[ "${COMP_WORDS[i]}" = -- ] && return 0
	done
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		trace | record | report | list | check | describe | cleanup)
			cmd=$w
			break
			;;
		-*) ;;
		*) break ;;
		esac
	done

	case $prev in
	-e | --events)
		# The last item of a comma list, maybe excluded with '-'.
		local head=${cur%"${cur##*,}"} item=${cur##*,} neg=
		[ "${item#-}" != "$item" ] && neg=- item=${item#-}
		local IFS=$' \t\n' n
		COMPREPLY=()
		for n in $(_ktrail_names "${COMP_WORDS[0]}"); do
			[[ $n == "$item"* ]] && COMPREPLY+=("$head$neg$n")
		done
		compopt -o nospace 2> /dev/null
		return 0
		;;
	-o | --output)
		if [[ $cur == *:* ]]; then
			local fmt=${cur%%:*}
			COMPREPLY=($(compgen -f -- "${cur#*:}"))
			COMPREPLY=("${COMPREPLY[@]/#/$fmt:}")
		else
			COMPREPLY=($(compgen -W "csv: json: json-v1: table: summary: summary-csv: csv json json-v1 table summary summary-csv" -- "$cur"))
			compopt -o nospace 2> /dev/null
		fi
		return 0
		;;
	--reader) COMPREPLY=($(compgen -W "auto mmap read" -- "$cur")); return 0 ;;
	--compat) COMPREPLY=($(compgen -W "auto on off" -- "$cur")); return 0 ;;
	--probes) COMPREPLY=($(compgen -W "auto kprobe tracepoint raw_syscalls" -- "$cur")); return 0 ;;
	--summary-by) COMPREPLY=($(compgen -W "event process thread" -- "$cur")); return 0 ;;
	--clock) COMPREPLY=($(compgen -W "boot local global mono mono_raw counter uptime perf tai" -- "$cur")); return 0 ;;
	--compress) COMPREPLY=($(compgen -W "zstd none zstd:1 zstd:3 zstd:9 zstd:19" -- "$cur")); return 0 ;;
	--user) COMPREPLY=($(compgen -u -- "$cur")); return 0 ;;
	-p | --pid) COMPREPLY=($(compgen -W "$(ps -e -o pid= 2> /dev/null)" -- "$cur")); return 0 ;;
	--buffer-size | --scope | --interval) return 0 ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts --" -- "$cur"))
		return 0
	fi
	case $cmd in
	describe)
		COMPREPLY=($(compgen -W "$(_ktrail_names "${COMP_WORDS[0]}")" -- "$cur"))
		;;
	report)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	trace)
		if [ "$COMP_CWORD" = 1 ]; then
			COMPREPLY=($(compgen -W "trace record report list check describe cleanup" -- "$cur"))
		fi
		;;
	esac
	return 0
}
complete -F _ktrail ktrail
