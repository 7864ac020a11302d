// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Signals during a trace: INT, TERM and HUP stop it, CHLD wakes the loop,
 * SIGPIPE becomes EPIPE.  A self-pipe wakes poll().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "ktrail/util.h"
#include "session-local.h"

static int sig_pipe[2] = { -1, -1 };
volatile sig_atomic_t sess_stop;

int sess_signal_fd(void)
{
	return sig_pipe[0];
}

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig != SIGCHLD)
		sess_stop = sig;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
		/* full pipe: a wakeup is pending anyway */
	}
	errno = saved;
}

static const int handled_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE };
static struct sigaction saved_sigs[KT_ARRAY_SIZE(handled_sigs)];

/*
 * Stop on INT, TERM and HUP (unless HUP was ignored, as under nohup), wake
 * on CHLD, and see EPIPE instead of dying of SIGPIPE.
 * The dispositions found are kept for the traced command.
 */
int sess_signals_setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (sess_signal_fd() < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < KT_ARRAY_SIZE(handled_sigs); i++) {
		struct sigaction ign = { .sa_handler = SIG_IGN };

		if (sigaction(handled_sigs[i], NULL, &saved_sigs[i]) < 0)
			return -1;
		if (handled_sigs[i] == SIGPIPE) {
			sigemptyset(&ign.sa_mask);
			if (sigaction(SIGPIPE, &ign, NULL) < 0)
				return -1;
			continue;
		}
		/* nohup: an ignored SIGHUP stays ignored.  INT and TERM always
		 * stop a trace: shells start background jobs with SIGINT
		 * ignored, and those must still be stoppable. */
		if (handled_sigs[i] == SIGHUP && saved_sigs[i].sa_handler == SIG_IGN)
			continue;
		if (sigaction(handled_sigs[i], &sa, NULL) < 0)
			return -1;
	}
	return 0;
}

/* Put back what ktrail found (also in the command before it runs). */
void sess_signals_restore(void)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(handled_sigs); i++)
		sigaction(handled_sigs[i], &saved_sigs[i], NULL);
}
