// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: raw ring-buffer sub-buffers, as the kernel (or, later, a
 * recording) hands them to ktrail, through everything that reads them:
 * the loss header (kt_subbuf_missed), the validity check, kbuffer's walk,
 * kt_decode with the formats of a real 6.18 kernel (syscall tracepoints,
 * raw_syscalls, task and sched events) and of ktrail's kprobes on 6.12,
 * the pairer and the three writers.
 *
 * The input is cut into sub-buffers of 4096 bytes (the last one padded
 * with zeros), at most 8.  Built with libFuzzer (make fuzz) or, for the
 * regression corpus in make check, with replay.c as its main().
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kbuffer.h>

#include "ktrail/decode.h"
#include "ktrail/pair.h"
#include "ktrail/subbuf.h"
#include "ktrail/util.h"
#include "ktrail/writer.h"

#ifndef KT_TEST_DATA
#define KT_TEST_DATA "tests/data"
#endif

#define PAGE 4096
#define MAX_PAGES 8

static struct kt_decoder *dec;
static struct kt_writer writers[3];
static FILE *sink;

static void add_dir(const char *dir, const char *sys)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "fuzz: cannot open %s\n", dir);
		abort();
	}
	while ((de = readdir(d))) {
		char path[2048];
		size_t len;
		char *buf;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = kt_read_file(path, &len);
		if (!buf || kt_decoder_add_format(dec, sys, buf, len) < 0) {
			fprintf(stderr, "fuzz: cannot load %s\n", path);
			abort();
		}
		free(buf);
	}
	closedir(d);
}

static int emit(struct kt_record *r, void *arg)
{
	(void)arg;
	if (!r->comm)
		r->comm = "";
	for (int i = 0; i < 3; i++)
		if (kt_writer_event(&writers[i], r) < 0)
			return -1;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *data = getenv("KT_TEST_DATA") ? getenv("KT_TEST_DATA") : KT_TEST_DATA;
	static const char *const names[] = { "csv", "json", "table" };
	char path[1024];
	size_t len;
	char *hp;

	(void)argc;
	(void)argv;
	dec = kt_decoder_new(8, false);
	snprintf(path, sizeof(path), "%s/linux-6.18-x86_64/formats/header_page", data);
	hp = kt_read_file(path, &len);
	if (!dec || !hp || kt_decoder_header_page(dec, hp, len) < 0)
		abort();
	free(hp);
	for (int i = 0; i < 3; i++) {
		const char *sys = (const char *[]){ "syscalls", "task", "sched" }[i];

		snprintf(path, sizeof(path), "%s/linux-6.18-x86_64/formats/%s", data, sys);
		add_dir(path, sys);
	}
	snprintf(path, sizeof(path), "%s/linux-6.12-x86_64/kprobes", data);
	add_dir(path, "ktrail_401");
	sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	static const struct kt_event_def *evs[KT_MAX_EVENTS];

	for (unsigned int e = 0; e < kt_nevents; e++)
		evs[e] = &kt_events[e];
	for (int i = 0; i < 3; i++) {
		writers[i].ops = kt_writer_find(names[i]);
		writers[i].fp = sink;
		writers[i].events = evs;
		writers[i].nevents = kt_nevents;
		writers[i].hostname = "fuzz";
		if (!writers[i].ops || kt_writer_begin(&writers[i]) < 0)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char page[PAGE] __attribute__((aligned(8)));
	struct kbuffer *kb = kt_decoder_kbuffer_new(dec);
	struct kt_pairer *p = kt_pairer_new(0, emit, NULL);

	if (!kb || !p)
		abort();
	for (size_t off = 0, n = 0; off < size && n < MAX_PAGES; off += PAGE, n++) {
		size_t len = size - off < PAGE ? size - off : PAGE;
		unsigned long long ts;
		void *ev;

		memset(page, 0, sizeof(page));
		memcpy(page, data + off, len);
		(void)kt_subbuf_missed(page, PAGE, 8, false);
		if (!kt_subbuf_valid(page, PAGE, 8, false) || kbuffer_load_subbuffer(kb, page) < 0)
			continue;
		for (ev = kbuffer_read_event(kb, &ts); ev; ev = kbuffer_next_event(kb, &ts)) {
			int esize = kbuffer_event_size(kb);
			struct kt_raw raw;

			if (!kt_event_in_subbuf(page, PAGE, ev, esize))
				break;
			if (kt_decode(dec, ev, esize, ts, (int)n, &raw) < 0)
				continue;
			switch (raw.kind) {
			case KT_RAW_ENTER:
				kt_pair_enter(p, &raw, raw.ev ? raw.ev : &kt_events[0], raw.compat);
				break;
			case KT_RAW_EXIT:
				kt_pair_exit(p, &raw, raw.ev ? raw.ev : &kt_events[0], raw.compat);
				break;
			case KT_RAW_DETAIL:
				kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi);
				break;
			default:
				break;
			}
		}
		kt_pair_abandon(p, ts);
	}
	kt_pair_flush(p);
	kt_pairer_free(p);
	kbuffer_free(kb);
	return 0;
}
