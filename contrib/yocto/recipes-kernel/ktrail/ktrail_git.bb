# SPDX-License-Identifier: GPL-2.0-or-later
SUMMARY = "Linux event tracer on tracefs, without BPF"
DESCRIPTION = "ktrail traces syscalls, process lifecycle events and kprobes \
through tracefs, without BPF or BTF, into CSV, JSON lines (Tracee's schema) \
or a table; 'ktrail record' writes the raw ring buffers to a file that \
'ktrail report' decodes on another machine."
SECTION = "kernel/userland"
LICENSE = "GPL-2.0-or-later"
# The sources have no license file: every file starts with its SPDX line.
LIC_FILES_CHKSUM = "file://src/main.c;beginline=1;endline=1;md5=7226e442a172bcf25807246d7ef1eba1"

# The git repository of the clone this layer is part of (KTRAIL_SRCDIR,
# set by conf/layer.conf), at the head of KTRAIL_BRANCH; set SRCREV to a
# commit for a reproducible build.
KTRAIL_BRANCH ?= "main"
SRC_URI = "git://${KTRAIL_SRCDIR};protocol=file;branch=${KTRAIL_BRANCH}"
SRCREV ?= "${AUTOREV}"
PV = "0.1.0+git"
# scarthgap; later series unpack into ${UNPACKDIR}.
S = "${WORKDIR}/git"

# libtraceevent and libcap are in openembedded-core, libtracefs in meta-oe.
DEPENDS = "libcap libtraceevent libtracefs zstd"

inherit autotools pkgconfig bash-completion

# No test hooks in a ktrail to install (doc/test-hooks.md).
# No ktrail-events(7): its generator is a program of the target, run at
# build time; `ktrail describe EVENT` prints the same cards.
EXTRA_OECONF += "--disable-test-hooks --disable-events-man"

# ktrail report of trace-cmd's trace.dat files: meta-oe's trace-cmd
# installs libtracecmd.
PACKAGECONFIG ??= ""
PACKAGECONFIG[tracecmd] = "--with-libtracecmd,--without-libtracecmd,trace-cmd"

FILES:${PN} += "${datadir}/zsh/site-functions"
