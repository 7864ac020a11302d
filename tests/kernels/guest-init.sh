#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the initramfs that tests/kernels/run.sh boots under QEMU.
#
# Mounts proc, sysfs, devtmpfs and tracefs, runs ktrail on the IPC workload
# in several ways, prints every result file to the console (base64 between
# markers) and powers off.  run.sh extracts the files and checks them on the
# host.  Console protocol (one marker a line, "\r" stripped by the host):
#
#   @@ BEGIN kernel=<uname -r> ...
#   @@ CASE <name>
#   @@ FILE <file>          base64 of the file follows, then
#   @@ EOF <file>           (or "@@ NOFILE <file>" when it was not created)
#   @@ END <name> rc=<N>
#   @@ ALLDONE
#
# Any file, text or binary, goes back this way: `dump NAME PATH` inside a
# case; the host writes it to $KT_WORK/<flavor>/<case>/NAME.
#
# kt_arch=armhf on the command line: the 32-bit arm guest's cases (no
# 32-bit compat ABI, no ring-buffer mapping before 6.10).  A file
# /cases.sh in the initramfs (run.sh's KT_GUEST_CASES) is sourced before
# the leftovers case: more cases, written with the helpers below.
#
# Everything traced here happens inside the guest.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# run.sh's armhf initramfs keeps ktrail's libraries here, whatever the
# search path of the loader it was given.
[ -d /lib/arm-linux-gnueabihf ] && export LD_LIBRARY_PATH=/lib/arm-linux-gnueabihf
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The kernel may have found no /dev/console before devtmpfs was mounted.
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tracefs nodev /sys/kernel/tracing
# Keep the console clean for the base64 blocks; dmesg is dumped at the end.
dmesg -n 1
ip link set lo up 2>/dev/null

T=/sys/kernel/tracing
CASE_TIMEOUT=$(sed -n 's/.*kt_timeout=\([0-9]*\).*/\1/p' /proc/cmdline)
CASE_TIMEOUT=${CASE_TIMEOUT:-35}
up() { cut -d' ' -f1 /proc/uptime; }

dump() { # NAME PATH
	if [ -f "$2" ]; then
		echo "@@ FILE $1"
		base64 "$2"
		echo "@@ EOF $1"
	else
		echo "@@ NOFILE $1"
	fi
}

# watchdog NAME: when a case outlives its timeout by 10 s, show on the
# console what its processes are doing (and where in the kernel).
watchdog() {
	sleep $((CASE_TIMEOUT + 10))
	echo "@@ STUCK $1 uptime=$(up)"
	ps -o pid,ppid,user,stat,comm,args
	for p in $(pidof ktrail ktrail-guard ipcwork ipcwork32); do
		echo "== $p $(cat /proc/$p/comm) $(grep State /proc/$p/status) wchan=$(cat /proc/$p/wchan)"
		cat /proc/$p/stack 2> /dev/null | head -12
	done
	tail -5 /tmp/$1.err 2> /dev/null
	echo "@@ STUCK end"
}

# ipc_case trace|record NAME READER WORKLOAD [OPTION...]: ktrail on the
# workload (and its forked child), writing CSV and JSON, or recording it
# (the recording goes back to the host, whose ktrail reports it).
ipc_case() {
	how=$1 n=$2 reader=$3 wl=$4
	shift 4
	echo "@@ CASE $n uptime=$(up)"
	rc=0
	watchdog $n &
	wd=$!
	if [ "$how" = record ]; then
		files="wl err ktr"
		set -- record --reader "$reader" -e ipc_msgq,net_snd_rcv "$@" -o "/tmp/$n.ktr"
	else
		files="wl err csv jsonl"
		set -- --reader "$reader" -e ipc_msgq,net_snd_rcv "$@" \
			-o "csv:/tmp/$n.csv" -o "json:/tmp/$n.jsonl"
	fi
	timeout -s INT "$CASE_TIMEOUT" ktrail "$@" -- "$wl" --fork \
		> "/tmp/$n.wl" 2> "/tmp/$n.err" || rc=$?
	kill $wd 2> /dev/null
	for f in $files; do dump "$n.$f" "/tmp/$n.$f"; done
	echo "@@ END $n rc=$rc uptime=$(up)"
}
run_case() { ipc_case trace "$@"; }
record_case() { ipc_case record "$@"; }

# What tracefs holds of ktrail's: instances, probes, enabled events.
leftovers() {
	ls -A $T/instances
	for f in set_event kprobe_events uprobe_events dynamic_events; do
		[ -r $T/$f ] && sed "s/^/$f: /" $T/$f
	done
}

# kill_case NAME SIGNAL [guard]: ktrail traces the whole system until SIGNAL
# (with "guard": its cleanup guard gets it too); what is left after it (the
# guard given 20 s to remove it), and after 'ktrail cleanup'.
kill_case() {
	n=$1
	echo "@@ CASE $n uptime=$(up)"
	ktrail -e ipc_msgq,net_snd_rcv -o csv:/tmp/$n.csv 2> /tmp/$n.err &
	kt=$!
	i=0
	while ! grep -q ktrail_ $T/kprobe_events 2> /dev/null || ! grep -q tracing /tmp/$n.err; do
		i=$((i + 1))
		[ $i -gt 200 ] && break
		sleep 0.1
	done
	# ktrail's cleanup guard: its child named ktrail-guard (from /proc:
	# busybox pgrep has no -P).
	guard=
	for st in /proc/[0-9]*/stat; do
		read -r gpid gcomm gstate gppid grest < "$st" 2> /dev/null || continue
		[ "$gppid" = "$kt" ] && [ "$gcomm" = "(ktrail-guard)" ] && guard=$gpid
	done
	echo "guard: ${guard:-none}" > /tmp/$n.guard
	{ echo "--- before"; leftovers; } > /tmp/$n.state 2>&1
	for f in $T/events/ktrail_*/*/format; do
		[ -f "$f" ] && { echo "== ${f#$T/events/}"; cat "$f"; }
	done > /tmp/$n.formats 2>&1
	if [ "${3:-}" = guard ]; then
		kill -$2 $guard $kt
	else
		kill -$2 $kt
	fi
	wait $kt
	rc=$?
	i=0
	while [ -n "$guard" ] && kill -0 $guard 2> /dev/null && [ $i -lt 200 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	{ echo "--- after $2 (rc=$rc)"; leftovers; } >> /tmp/$n.state 2>&1
	ktrail cleanup >> /tmp/$n.err 2>&1
	{ echo "--- after cleanup (rc=$?)"; leftovers; } >> /tmp/$n.state 2>&1
	dump "$n.err" /tmp/$n.err
	dump "$n.state" /tmp/$n.state
	dump "$n.formats" /tmp/$n.formats
	dump "$n.guard" /tmp/$n.guard
	echo "@@ END $n rc=$rc uptime=$(up)"
}

echo   # the firmware leaves escape sequences on the current console line

# kt_capture=1: only dump what the unit tests keep as test data (the tracefs
# README, the probe-relevant kernel symbols) and power off.
if grep -q 'kt_capture=1' /proc/cmdline; then
	echo "@@ BEGIN kernel=$(uname -r) uptime=$(up) capture"
	echo "@@ CASE capture"
	cp $T/README /tmp/README
	# sys_ and compat_sys_: 32-bit arm's entry functions (no pt_regs
	# wrapper) and its weak compat stubs.
	grep -E ' [tTwW] (__x64_sys_|__ia32_sys_|__ia32_compat_sys_|__do_sys_|__se_sys_|sys_|compat_sys_|do_mq_|do_msg|ksys_msg|__sys_sendto|__sys_recvfrom|__sys_sendmsg|__sys_recvmsg|___sys_sendmsg|___sys_recvmsg|____sys_sendmsg|____sys_recvmsg|__sys_sendmmsg|__sys_recvmmsg|do_recvmmsg|compat_ksys_msg)' /proc/kallsyms |
		grep -E 'mq_|msg|sendto|recvfrom' | awk '{ print $2, $3 }' | sort -u -k2 > /tmp/symbols
	dump README /tmp/README
	dump symbols /tmp/symbols
	echo "@@ END capture rc=0"
	echo "@@ ALLDONE uptime=$(up)"
	poweroff -f
fi
echo "@@ BEGIN kernel=$(uname -r) uptime=$(up) cpus=$(grep -c ^processor /proc/cpuinfo)"

# Information only: what the kernel offers, what ktrail makes of it.
echo "@@ CASE info"
{
	echo "uname: $(uname -a)"
	echo "tracefs: $(ls $T | tr '\n' ' ')"
	echo "per_cpu: $(ls $T/per_cpu | tr '\n' ' ')"
	echo "raw_syscalls: $(ls $T/events/raw_syscalls 2>&1 | tr '\n' ' ')"
	echo "syscalls/sys_enter_mq_open: $(ls $T/events/syscalls/sys_enter_mq_open 2>&1 | tr '\n' ' ')"
	if [ -x /ipcwork32 ]; then
		/ipcwork32 --loops 0 > /dev/null 2>&1
		echo "ipcwork32 --loops 0: rc=$?"
	fi
	/ipcwork --loops 0 > /dev/null 2>&1
	echo "ipcwork --loops 0: rc=$?"
	echo "--- ktrail --version"
	ktrail --version 2>&1
	echo "--- ktrail list"
	timeout "$CASE_TIMEOUT" ktrail list 2>&1
	echo "rc=$?"
	echo "--- ktrail check"
	timeout "$CASE_TIMEOUT" ktrail check -e ipc_msgq,net_snd_rcv 2>&1
	echo "rc=$?"
} > /tmp/info.txt 2>&1
dump info.txt /tmp/info.txt
echo "@@ END info rc=0"

# kt_bench=N: the benchmark instead of the tests (bench/ipc-bench-guest.sh).
BENCH=$(sed -n 's/.*kt_bench=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$BENCH" ]; then
	echo "@@ CASE bench"
	rounds=$(sed -n 's/.*kt_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
	for r in $(seq "${rounds:-3}"); do
		for how in none kprobe tracepoint setup-kprobe setup-tracepoint; do
			t0=$(cut -d' ' -f1 /proc/uptime)
			case $how in
			none) /ipcwork --loops "$BENCH" > /dev/null ;;
			setup-*)	# start-up and teardown alone: no IPC at all
				ktrail -q --overwrite --probes ${how#setup-} -e ipc_msgq,net_snd_rcv -o csv:/tmp/bench.csv \
					-- /ipcwork --loops 0 > /dev/null ;;
			*)
				ktrail -q --overwrite --probes $how -e ipc_msgq,net_snd_rcv -o csv:/tmp/bench.csv \
					-- /ipcwork --loops "$BENCH" > /dev/null ;;
			esac
			t1=$(cut -d' ' -f1 /proc/uptime)
			echo "@@ BENCH round=$r how=$how seconds=$(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f", b - a }') rows=$([ $how = none ] || grep -c . /tmp/bench.csv)"
		done
	done
	echo "@@ END bench rc=0"
	echo "@@ ALLDONE uptime=$(up)"
	poweroff -f
fi

# families: the other families (famwork, static): the generic detail
# kprobes read openat's and unlinkat's pathname, bind's and connect's addr.
families() {
	echo "@@ CASE families uptime=$(up)"
	rc=0
	watchdog families &
	wd=$!
	timeout -s INT "$CASE_TIMEOUT" ktrail --raw -e openat,pwrite64,close,unlinkat,socket,bind,connect \
		-o csv:/tmp/families.csv -o json:/tmp/families.jsonl -- /famwork /tmp \
		> /tmp/families.wl 2> /tmp/families.err || rc=$?
	kill $wd 2> /dev/null
	for f in wl err csv jsonl; do dump "families.$f" "/tmp/families.$f"; done
	echo "@@ END families rc=$rc uptime=$(up)"
}

# transfer: a binary file (every byte value) and its sha256 through the
# console, as a case's output file would go (a 'ktrail record' file).
transfer() {
	echo "@@ CASE transfer uptime=$(up)"
	fmt=$(i=0; while [ $i -lt 256 ]; do printf '\\%o' $i; i=$((i + 1)); done)
	printf "$fmt" > /tmp/transfer.bin
	head -c 65280 /dev/urandom >> /tmp/transfer.bin
	sha256sum /tmp/transfer.bin | cut -d' ' -f1 > /tmp/transfer.sha256
	dump transfer.bin /tmp/transfer.bin
	dump transfer.sha256 /tmp/transfer.sha256
	echo "@@ END transfer rc=0 uptime=$(up)"
}

# finish: the cases of /cases.sh, if any; nothing may be left behind in
# tracefs: no instance, and nothing in the top-level instance (ktrail
# works in a private instance only); dmesg; power off.
finish() {
	if [ -f /cases.sh ]; then
		. /cases.sh
	fi
	echo "@@ CASE leftovers"
	ls -A $T/instances > /tmp/instances.txt 2>&1
	rc=$?
	for f in set_event kprobe_events uprobe_events dynamic_events; do
		[ -r $T/$f ] && sed "s/^/$f: /" $T/$f
	done > /tmp/toplevel.txt 2>&1
	cat $T/error_log > /tmp/error_log.txt 2>&1
	dump error_log.txt /tmp/error_log.txt
	dump instances.txt /tmp/instances.txt
	dump toplevel.txt /tmp/toplevel.txt
	echo "@@ END leftovers rc=$rc"

	echo "@@ CASE dmesg"
	dmesg > /tmp/dmesg.txt 2>&1
	dump dmesg.txt /tmp/dmesg.txt
	echo "@@ END dmesg rc=0"
	echo "@@ ALLDONE uptime=$(up)"
	sync
	poweroff -f
}

# 32-bit arm: every task is native (ARM EABI), and its mq_timedsend is
# mq_timedsend_time32 (276); ipcwork makes both that and the time64 one.
if grep -q 'kt_arch=armhf' /proc/cmdline; then
	run_case native_auto auto /ipcwork
	run_case native_read read /ipcwork
	run_case native_mmap mmap /ipcwork
	run_case native_kprobe read /ipcwork --probes kprobe
	run_case native_tp read /ipcwork --probes tracepoint
	families
	transfer
	record_case native_record auto /ipcwork
	kill_case sigterm TERM
	finish
fi

run_case native_auto auto /ipcwork
run_case i386_auto auto /ipcwork32
run_case native_read read /ipcwork
run_case native_mmap mmap /ipcwork
# The recipes: kprobes for everything; no kprobe at all.
run_case native_kprobe auto /ipcwork --probes kprobe
run_case native_tp auto /ipcwork --probes tracepoint
run_case i386_tp auto /ipcwork32 --probes tracepoint
families
# security_file_open: a kprobe reading the file through BTF names (6.6+).
echo "@@ CASE lsm uptime=$(up)"
rc=0
timeout -s INT "$CASE_TIMEOUT" ktrail -e security_file_open,openat -o csv:/tmp/lsm.csv \
	-- /famwork /tmp > /tmp/lsm.wl 2> /tmp/lsm.err || rc=$?
timeout "$CASE_TIMEOUT" ktrail check -e security_file_open > /tmp/lsm.check 2>&1
for f in wl err csv check; do dump "lsm.$f" "/tmp/lsm.$f"; done
echo "@@ END lsm rc=$rc uptime=$(up)"
# A string filter, which only a kprobe can feed: famwork's first openat.
echo "@@ CASE filter_str uptime=$(up)"
rc=0
timeout -s INT "$CASE_TIMEOUT" ktrail -e 'openat.data.pathname=/tmp/famwork-*' \
	-o csv:/tmp/filter_str.csv -- /famwork /tmp > /tmp/filter_str.wl 2> /tmp/filter_str.err || rc=$?
for f in wl err csv; do dump "filter_str.$f" "/tmp/filter_str.$f"; done
echo "@@ END filter_str rc=$rc uptime=$(up)"
# A definition the kernel rejects (a test hook adds a bad fetch argument
# to msgsnd's detail probe): the error_log text, and the rest still works.
KTRAIL_TEST_BAD_FETCH=msgsnd_d run_case bad_fetch auto /ipcwork
# A detail probe on a function kallsyms lists but the compiler inlined
# (ksys_msgsnd, into __x64_sys_msgsnd): ktrail says it never fired.
KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd run_case inlined auto /ipcwork
# kprobe misses (issue 13): before 5.14 the kernel counts a fault in a
# probe's handler (a read through a NULL pointer, whose record is written
# all the same) as a miss of every probe on the function.  First the kernel
# alone: two probes on __x64_sys_sync (one reads user address 0), in an
# instance of this case, 5 syncs; then ktrail with KTRAIL_DEBUG_PROFILE,
# which prints each probe's counts and the holes in the trace's calls.
echo "@@ CASE kprobe_miss uptime=$(up)"
{
	echo 'p:ktproof/nullread __x64_sys_sync v=+u0(\0):u64' >> $T/kprobe_events &&
	echo 'p:ktproof/plain __x64_sys_sync' >> $T/kprobe_events &&
	mkdir $T/instances/ktproof &&
	echo 1 > $T/instances/ktproof/events/ktproof/enable &&
	for i in 1 2 3 4 5; do sync; done
	echo 0 > $T/instances/ktproof/events/ktproof/enable
	grep -m1 'nullread:' $T/instances/ktproof/trace | sed 's/^ */record /'
	echo "records nullread=$(grep -c 'nullread:' $T/instances/ktproof/trace) plain=$(grep -c 'plain:' $T/instances/ktproof/trace)"
	# "<event> <hits> <missed>" (5.10), "<group>/<event> ..." (later)
	grep -E '^ *(ktproof/)?(nullread|plain) ' $T/kprobe_profile | sed 's/^ *\(ktproof\/\)*/profile /'
	rmdir $T/instances/ktproof
	echo '-:ktproof/nullread' >> $T/kprobe_events
	echo '-:ktproof/plain' >> $T/kprobe_events
} > /tmp/kprobe_miss.proof 2>&1
dump kprobe_miss.proof /tmp/kprobe_miss.proof
echo "@@ END kprobe_miss rc=0 uptime=$(up)"
KTRAIL_DEBUG_PROFILE=1 run_case kprobe_miss_trace auto /ipcwork
# ktrail record in the guest, ktrail report on the host: native and i386.
record_case native_record auto /ipcwork
record_case i386_record auto /ipcwork32
# Nothing left after SIGTERM; after SIGKILL, 'ktrail cleanup' removes it.
kill_case sigterm TERM
kill_case sigkill_main KILL
kill_case sigkill KILL guard

finish
