// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fuzz targets' regression run: a main() that feeds every file of the
 * given directories (default: the target's kept corpus and crash
 * reproducers, tests/fuzz/corpus/<name> and tests/fuzz/regress/<name>) to
 * LLVMFuzzerTestOneInput once.  Built with gcc as a unit test; a crash,
 * a sanitizer report (in the sanitizer build) or no input at all fails it.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: cannot open\n", dir);
		return -1;
	}
	while ((de = readdir(d))) {
		char path[4096];
		size_t len;
		char *buf;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = kt_read_file(path, &len);
		if (!buf) {
			fprintf(stderr, "replay: %s: cannot read\n", path);
			closedir(d);
			return -1;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	const char *defaults[] = { KT_FUZZ_DIR "/corpus/" KT_FUZZ_NAME,
				   KT_FUZZ_DIR "/regress/" KT_FUZZ_NAME };
	int total = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 0; i < (argc > 1 ? argc - 1 : 2); i++) {
		int n = replay_dir(argc > 1 ? argv[i + 1] : defaults[i]);

		if (n < 0)
			return 1;
		total += n;
	}
	printf("%s: %d inputs replayed\n", KT_FUZZ_NAME, total);
	return total ? 0 : 1;
}
