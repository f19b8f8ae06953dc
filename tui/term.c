#include "term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "draw.h"

static volatile sig_atomic_t curses_on;
static bool headless;
static bool ascii;
static int sig_pipe[2] = {-1, -1};
static SCREEN *screen;
static FILE *null_out, *null_in;
static bool atexit_done;

static const int quit_signals[] = {SIGWINCH, SIGTERM, SIGINT, SIGHUP};
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static struct sigaction old_quit[TT_ARRAY_LEN(quit_signals)];
static struct sigaction old_crash[TT_ARRAY_LEN(crash_signals)];
static char alt_stack[1 << 15];

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (sig_pipe[1] >= 0) {
        ssize_t n = write(sig_pipe[1], &b, 1);
        (void)n;
    }
    errno = saved;
}

/* A crash: put the terminal back so the shell is usable, then let the
 * previous handler (default, or a sanitizer's report) run. */
static void on_crash(int sig)
{
    if (curses_on && !headless) {
        curses_on = 0;
        endwin();
        static const char msg[] = "ttstui: crashed; the terminal was restored\n";
        ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
        (void)n;
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(crash_signals); i++)
        if (crash_signals[i] == sig)
            sigaction(sig, &old_crash[i], NULL);
    raise(sig);
}

static void install_signals(void)
{
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof(alt_stack), .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < TT_ARRAY_LEN(quit_signals); i++) {
        if (headless && quit_signals[i] == SIGWINCH)
            continue;
        sigaction(quit_signals[i], &sa, &old_quit[i]);
    }
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    for (size_t i = 0; i < TT_ARRAY_LEN(crash_signals); i++)
        sigaction(crash_signals[i], &sa, &old_crash[i]);
}

static void restore_signals(void)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(quit_signals); i++) {
        if (headless && quit_signals[i] == SIGWINCH)
            continue;
        sigaction(quit_signals[i], &old_quit[i], NULL);
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(crash_signals); i++)
        sigaction(crash_signals[i], &old_crash[i], NULL);
}

static int make_pipe(tt_error *err)
{
    if (pipe(sig_pipe) < 0) {
        tt_error_set(err, TT_EIO, "cannot create the signal pipe: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

static int start_headless(const tui_term_options *opts, tt_error *err)
{
    null_out = fopen("/dev/null", "w");
    null_in = fopen("/dev/null", "r");
    if (!null_out || !null_in) {
        tt_error_set(err, TT_EIO, "headless: cannot open /dev/null: %s", strerror(errno));
        return -1;
    }
    static const char *const terms[] = {"xterm-256color", "xterm", "vt100"};
    for (size_t i = 0; i < TT_ARRAY_LEN(terms) && !screen; i++)
        screen = newterm(terms[i], null_out, null_in);
    if (!screen) {
        tt_error_set(err, TT_EIO, "headless: no terminfo entry for xterm-256color, xterm or vt100");
        return -1;
    }
    set_term(screen);
    resizeterm(opts->rows > 0 ? opts->rows : 24, opts->cols > 0 ? opts->cols : 80);
    return 0;
}

int tui_term_start(const tui_term_options *opts, tt_error *err)
{
    setlocale(LC_ALL, "");
    headless = opts->headless;
    const char *cs = nl_langinfo(CODESET);
    ascii = opts->force_ascii || !cs || strcmp(cs, "UTF-8") != 0;
    tui_draw_set_ascii(ascii);
    if (!headless && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        tt_error_set(err, TT_EINVAL,
                     "the dashboard needs a terminal on stdin and stdout (for scripts use the "
                     "subcommands: ttstui status, render, apply ...)");
        return -1;
    }
    if (make_pipe(err) < 0)
        return -1;
    /* Our SIGWINCH handler is in place before curses starts, so ncurses
     * leaves resizing to us (through the self-pipe). */
    install_signals();
    ESCDELAY = 25;
    if (headless) {
        if (start_headless(opts, err) < 0) {
            tui_term_stop();
            return -1;
        }
    } else {
        screen = newterm(NULL, stdout, stdin);
        if (!screen) {
            const char *t = getenv("TERM");
            tt_error_set(err, TT_EINVAL, "cannot start the terminal: unknown TERM '%s'",
                         t ? t : "(unset)");
            tui_term_stop();
            return -1;
        }
        set_term(screen);
    }
    curses_on = 1;
    if (!atexit_done) {
        atexit(tui_term_stop);
        atexit_done = true;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    if (!headless)
        mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
                  NULL);
    mouseinterval(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    return 0;
}

void tui_term_stop(void)
{
    if (curses_on) {
        curses_on = 0;
        if (!headless) {
            mousemask(0, NULL);
            curs_set(1);
        }
        endwin();
    }
    if (screen) {
        delscreen(screen);
        screen = NULL;
    }
    if (null_out) {
        fclose(null_out);
        null_out = NULL;
    }
    if (null_in) {
        fclose(null_in);
        null_in = NULL;
    }
    if (sig_pipe[0] >= 0) {
        restore_signals();
        close(sig_pipe[0]);
        close(sig_pipe[1]);
        sig_pipe[0] = sig_pipe[1] = -1;
    }
}

bool tui_term_active(void)
{
    return curses_on;
}

bool tui_term_headless(void)
{
    return headless;
}

int tui_term_colors(void)
{
    return curses_on && has_colors() ? COLORS : 0;
}

bool tui_term_ascii(void)
{
    return ascii;
}

int tui_term_signal_fd(void)
{
    return sig_pipe[0];
}

int tui_term_next_signal(void)
{
    unsigned char b;
    if (sig_pipe[0] >= 0 && read(sig_pipe[0], &b, 1) == 1)
        return b;
    return 0;
}

void tui_term_resize(int rows, int cols)
{
    if (!curses_on)
        return;
    if (!headless) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
            rows = ws.ws_row;
            cols = ws.ws_col;
        } else {
            return;
        }
    }
    resizeterm(rows, cols);
    /* resizeterm queues KEY_RESIZE for getch users; the loop ignores it. */
}

char *tui_term_dump(void)
{
    tt_buf b = TT_BUF_INIT;
    for (int y = 0; y < LINES; y++) {
        size_t line_start = b.len;
        size_t last_non_blank = b.len;
        for (int x = 0; x < COLS; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t attrs;
            short pair;
            if (mvwin_wch(curscr, y, x, &cc) == ERR)
                break;
            if (getcchar(&cc, wch, &attrs, &pair, NULL) == ERR)
                continue;
            int w = wch[0] ? wcwidth(wch[0]) : 1;
            if (w == 0 && x > 0)
                continue; /* the right half of a wide character */
            for (int i = 0; wch[i] && i < CCHARW_MAX; i++) {
                char u[4];
                size_t n = tui_utf8_encode((int)wch[i], u);
                tt_buf_append(&b, u, n);
            }
            if (!wch[0])
                tt_buf_putc(&b, ' ');
            if (wch[0] != L' ' && wch[0])
                last_non_blank = b.len;
            if (w == 2)
                x++;
        }
        if (last_non_blank < line_start)
            last_non_blank = line_start;
        b.len = last_non_blank;
        tt_buf_putc(&b, '\n');
    }
    return tt_buf_steal(&b);
}
