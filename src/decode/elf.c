// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program's syscall ABI from its ELF header (proc.h): class, byte
 * order and machine.  Only a regular file is read, so a FIFO or a device
 * planted where a program was cannot block the reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktrail/proc.h"

enum kt_abi kt_elf_abi(const unsigned char *h, unsigned int len)
{
	unsigned int machine;
	bool c32, c64, le;

	if (len < 20 || memcmp(h, "\177ELF", 4))
		return KT_ABI_NONE;
	c32 = h[4] == 1;	/* EI_CLASS: ELFCLASS32 */
	c64 = h[4] == 2;	/* ELFCLASS64 */
	le = h[5] == 1;		/* EI_DATA: ELFDATA2LSB */
	/* e_machine is in the file's byte order (EI_DATA: 1 LE, 2 BE). */
	machine = h[5] == 2 ? (h[18] << 8 | h[19]) : (h[19] << 8 | h[18]);
	switch (machine) {
	case 62:	/* EM_X86_64; x32 (ELFCLASS32) is no ABI of ours */
		return c64 && le ? KT_ABI_X86_64 : KT_ABI_NONE;
	case 3:		/* EM_386 */
		return c32 && le ? KT_ABI_I386 : KT_ABI_NONE;
	case 183:	/* EM_AARCH64 */
		return c64 ? KT_ABI_ARM64 : KT_ABI_NONE;
	case 40:	/* EM_ARM */
		return c32 ? KT_ABI_ARM : KT_ABI_NONE;
	default:
		return KT_ABI_NONE;
	}
}

enum kt_abi kt_elf_fd_abi(int fd)
{
	unsigned char h[20];
	struct stat st;
	size_t got = 0;
	ssize_t n;

	/* Only a regular file is read: a FIFO or a device could block. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return KT_ABI_NONE;
	while (got < sizeof(h)) {
		n = pread(fd, h + got, sizeof(h) - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return kt_elf_abi(h, (unsigned int)got);
}

enum kt_abi kt_elf_file_abi(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	enum kt_abi abi;

	if (fd < 0)
		return KT_ABI_NONE;
	abi = kt_elf_fd_abi(fd);
	close(fd);
	return abi;
}
