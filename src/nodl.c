// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static ktrail's dlopen (configure --enable-static-binary only).
 * libtraceevent links its plugin loader in (tep_free frees the plugin
 * paths), and with it the static glibc's dlopen, which would need the
 * shared C library of the build machine at run time.  ktrail never loads
 * a plugin: it decodes every field itself.  These take the C library's
 * place, so that nothing can be loaded and the binary depends on no
 * file of the build machine.
 */
#include <dlfcn.h>
#include <stddef.h>

void *dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}

char *dlerror(void)
{
	static char why[] = "a static ktrail loads no shared object (no libtraceevent plugin)";

	return why;
}

void *dlsym(void *handle, const char *name)
{
	(void)handle;
	(void)name;
	return NULL;
}

int dlclose(void *handle)
{
	(void)handle;
	return -1;
}
