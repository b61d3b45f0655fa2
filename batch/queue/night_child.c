/*
 * night_child.c - the child process of a worker's night (see night_child.h).
 */
#include "night_child.h"
#include "../common/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child, between fork and exec: only async-signal-safe calls. */
static void exec_child(const char *const *args, int stderr_write, pid_t worker)
{
    sigset_t none;
    sigemptyset(&none);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != worker) /* it died already */
        _exit(127);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0 || setpgid(0, 0) != 0 ||
        dup2(stderr_write, STDERR_FILENO) < 0)
        _exit(127);
    close(stderr_write);
    char *argv[NIGHT_CHILD_ARGS_MAX];
    size_t count = 0;
    argv[count++] = (char *)(uintptr_t) "kigen";
    for (size_t idx = 0; args[idx] != NULL && count < NIGHT_CHILD_ARGS_MAX - 1; idx++)
        argv[count++] = (char *)(uintptr_t)args[idx]; /* execv's argv is not const */
    argv[count] = NULL;
    execv("/proc/self/exe", argv);
    _exit(127);
}

kg_err night_child_start(const char *const *args, FILE *forward, night_child *child,
                         kg_errbuf *errbuf)
{
    memset(child, 0, sizeof(*child));
    child->stderr_fd = -1;
    child->forward = forward;
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to start a night's run: %s"),
                       strerror(errno));
    fflush(NULL);
    pid_t worker = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(pipe_fds[0]);
        exec_child(args, pipe_fds[1], worker);
    }
    int fork_errno = errno;
    close(pipe_fds[1]);
    if (pid < 0) {
        close(pipe_fds[0]);
        return kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to start a night's run: %s"),
                       strerror(fork_errno));
    }
    int flags = fcntl(pipe_fds[0], F_GETFL);
    fcntl(pipe_fds[0], F_SETFL, flags | O_NONBLOCK);
    fcntl(pipe_fds[0], F_SETFD, FD_CLOEXEC);
    child->pid = pid;
    child->stderr_fd = pipe_fds[0];
    return KG_OK;
}

/* A log line without its time (`2026-12-01T02:30:05+09:00 `): from `kigen: ` on. */
static const char *without_time(const char *line)
{
    const char *space = strchr(line, ' ');
    if (line[0] >= '0' && line[0] <= '9' && space != NULL && space - line > 10 && line[10] == 'T')
        return space + 1;
    return line;
}

/* Is it a log line of level error (`kigen: error: `, the level's name in either language:
 * the child speaks the worker's)? */
static bool is_error_line(const char *line)
{
    line = without_time(line);
    if (strncmp(line, "kigen: ", 7) != 0)
        return false;
    const char *level = line + 7, *level_end = strstr(level, ": ");
    if (level_end == NULL)
        return false;
    size_t length = (size_t)(level_end - level);
    const char *const names[] = {"error", _("error")};
    for (size_t idx = 0; idx < sizeof(names) / sizeof(names[0]); idx++)
        if (strlen(names[idx]) == length && strncmp(level, names[idx], length) == 0)
            return true;
    return false;
}

static void keep_line(char kept[2][NIGHT_CHILD_LINE_CAP], const char *line, size_t length)
{
    memcpy(kept[0], kept[1], NIGHT_CHILD_LINE_CAP);
    memcpy(kept[1], line, length + 1);
}

static void end_line(night_child *child)
{
    child->partial[child->partial_len] = '\0';
    fprintf(child->forward, "%s\n", child->partial);
    fflush(child->forward);
    keep_line(child->last_lines, child->partial, child->partial_len);
    if (is_error_line(child->partial))
        keep_line(child->error_lines, child->partial, child->partial_len);
    child->partial_len = 0;
}

bool night_child_read(night_child *child)
{
    char block[4096];
    while (child->stderr_fd >= 0) {
        ssize_t got = read(child->stderr_fd, block, sizeof(block));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (got <= 0) { /* the end (or a pipe that broke: the same for us) */
            if (child->partial_len > 0)
                end_line(child);
            close(child->stderr_fd);
            child->stderr_fd = -1;
            return false;
        }
        for (ssize_t idx = 0; idx < got; idx++) {
            if (block[idx] == '\n')
                end_line(child);
            else if (child->partial_len < NIGHT_CHILD_LINE_CAP - 1)
                child->partial[child->partial_len++] = block[idx];
        }
    }
    return false;
}

bool night_child_reap(night_child *child, int *status)
{
    if (child->pid <= 0)
        return false;
    int wait_status = 0;
    pid_t got = waitpid(child->pid, &wait_status, WNOHANG);
    if (got != child->pid)
        return false;
    child->pid = 0;
    *status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -WTERMSIG(wait_status);
    return true;
}

/* A log line without its time and `kigen: <level>: ` (the level's name, in either
 * language, holds no colon). */
static const char *message_of(const char *line)
{
    line = without_time(line);
    if (strncmp(line, "kigen: ", 7) != 0)
        return line;
    const char *level_end = strstr(line + 7, ": ");
    return level_end != NULL ? level_end + 2 : line + 7;
}

void night_child_error_text(const night_child *child, char *out, size_t cap)
{
    const char(*kept)[NIGHT_CHILD_LINE_CAP] =
        child->error_lines[1][0] != '\0' ? child->error_lines : child->last_lines;
    const char *first = message_of(kept[0]), *last = message_of(kept[1]);
    if (first[0] != '\0')
        snprintf(out, cap, "%s\n%s", first, last);
    else
        snprintf(out, cap, "%s", last);
}

void night_child_close(night_child *child)
{
    if (child->stderr_fd >= 0)
        close(child->stderr_fd);
    child->stderr_fd = -1;
    if (child->pid > 0) {
        kill(child->pid, SIGKILL);
        waitpid(child->pid, NULL, 0);
        child->pid = 0;
    }
}
