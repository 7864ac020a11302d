################################################################################
#
# ktrail
#
################################################################################

# SPDX-License-Identifier: GPL-2.0-or-later

# Built from the clone this BR2_EXTERNAL tree is part of: no download and
# so no ktrail.hash.  For a release, set KTRAIL_SITE to where the
# `make dist` tarball is, drop KTRAIL_SITE_METHOD and KTRAIL_AUTORECONF,
# and add its sha256 to a ktrail.hash.
KTRAIL_VERSION = 0.1.0
KTRAIL_SITE = $(BR2_EXTERNAL_KTRAIL_PATH)/../..
KTRAIL_SITE_METHOD = local
# A developer's in-tree build products (objects of the host, its
# config.status, the other contrib builds) must not reach the target
# build, which starts from ./configure.
KTRAIL_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude '*.o' --exclude '*.lo' --exclude '*.la' \
	--exclude .libs --exclude .deps --exclude autom4te.cache \
	--exclude /config.status --exclude /config.log --exclude /config.h \
	--exclude /libtool --exclude /Makefile --exclude /ktrail \
	--exclude /build-cross --exclude /build-deb --exclude '/ktrail-*'
KTRAIL_LICENSE = GPL-2.0+
# The sources have no configure script, only configure.ac.
KTRAIL_AUTORECONF = YES
KTRAIL_DEPENDENCIES = host-pkgconf libcap libtraceevent libtracefs zstd
# No test hooks in a ktrail to install (doc/test-hooks.md).  No
# libtracecmd: Buildroot's trace-cmd does not install it to staging.
# No ktrail-events(7): its generator runs at build time, and a board
# rarely has man; `ktrail describe EVENT` prints the same cards.
KTRAIL_CONF_OPTS = \
	--disable-test-hooks \
	--without-libtracecmd \
	--disable-events-man

$(eval $(autotools-package))
