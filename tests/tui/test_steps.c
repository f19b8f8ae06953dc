/* The steps of an operation (w_steps.h): in the order first seen, one per
 * object, each taking the latest state and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "w_steps.h"

static void progress(tui_steps *s, const char *object, tui_step_state st, const char *msg)
{
    tui_progress p = {(char *)object, st, (char *)msg};
    tui_steps_update(s, &p);
}

static void steps_keep_the_order_first_seen_and_the_latest_state(void **state)
{
    (void)state;
    tui_steps s = {0};
    progress(&s, "model b", TUI_STEP_PENDING, "waiting");
    progress(&s, "model a", TUI_STEP_RUNNING, NULL);
    progress(&s, "model b", TUI_STEP_FAILED, "refused: release it as version 4");
    assert_int_equal(s.n, 2);
    assert_string_equal(s.items[0].object, "model b");
    assert_int_equal(s.items[0].state, TUI_STEP_FAILED);
    assert_string_equal(s.items[0].message, "refused: release it as version 4");
    assert_string_equal(s.items[1].object, "model a");
    assert_int_equal(s.items[1].state, TUI_STEP_RUNNING);
    assert_null(s.items[1].message);
    progress(&s, "model a", TUI_STEP_OK, "applied");
    assert_int_equal(s.n, 2);
    assert_string_equal(s.items[1].message, "applied");
    /* an object that is a prefix of another is another step */
    progress(&s, "model", TUI_STEP_OK, NULL);
    assert_int_equal(s.n, 3);
    tui_steps_free(&s);
    assert_int_equal(s.n, 0);
    assert_null(s.items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steps_keep_the_order_first_seen_and_the_latest_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
