/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Documentation made from the catalog: the card `ktrail describe EVENT`
 * prints, and the ktrail-events(7) manual page, generated at build time
 * (tools/gen_events_man.c) so that it cannot disagree with the binary.
 */
#ifndef KTRAIL_DESCRIBE_H
#define KTRAIL_DESCRIBE_H

#include <stdio.h>

#include "ktrail/catalog.h"

/* The card of one event: what it is, its arguments with types and origin
 * tags, its sets, ids, syscall numbers and recipes. */
void kt_describe(FILE *fp, const struct kt_event_def *ev);

/* ktrail-events(7): every event of the catalog, in catalog order. */
void kt_describe_man(FILE *fp, const char *version, const char *date);

#endif
