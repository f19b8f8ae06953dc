/* The table widget: filter, sort, selection that follows its row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "w_list.h"

typedef struct data {
    const char *names[8];
    const char *counts[8];
    size_t n;
} data;

static size_t count(void *ctx) { return ((data *)ctx)->n; }
static const char *key(void *ctx, size_t r) { return ((data *)ctx)->names[r]; }
static const char *cell(void *ctx, size_t r, int col, tui_role *role, char *buf, size_t size)
{
    (void)role;
    (void)buf;
    (void)size;
    data *d = ctx;
    return col == 0 ? d->names[r] : d->counts[r];
}

static const tui_list_column cols[] = {{"NAME", 10, 1, false, false}, {"COUNT", 5, 0, true, false}};
static const tui_list_source src = {count, cell, key, NULL};

static data sample(void)
{
    data d = {{"v3", "five9-de-de", "Lincoln", "v10"}, {"2", "10", "9", "1"}, 4};
    return d;
}

static const char *visible_name(tui_list *l, data *d, size_t i)
{
    return d->names[tui_list_visible_row(l, i)];
}

static void filter_matches_any_cell_ignoring_case(void **state)
{
    (void)state;
    data d = sample();
    tui_list *l = tui_list_new(cols, 2, &src, &d);
    tui_list_refresh(l);
    tui_list_set_filter(l, "LIN");
    assert_int_equal(tui_list_visible_count(l), 1);
    assert_string_equal(visible_name(l, &d, 0), "Lincoln");
    tui_list_set_filter(l, "10"); /* v10 by name, five9 by count */
    assert_int_equal(tui_list_visible_count(l), 2);
    tui_list_set_filter(l, "");
    assert_int_equal(tui_list_visible_count(l), 4);
    tui_list_free(l);
}

static void sort_orders_numbers_numerically_and_can_reverse(void **state)
{
    (void)state;
    data d = sample();
    tui_list *l = tui_list_new(cols, 2, &src, &d);
    tui_list_set_sort(l, 1, false);
    assert_string_equal(visible_name(l, &d, 0), "v10");  /* 1 */
    assert_string_equal(visible_name(l, &d, 3), "five9-de-de"); /* 10, not between 1 and 2 */
    tui_list_set_sort(l, 1, true);
    assert_string_equal(visible_name(l, &d, 0), "five9-de-de");
    tui_list_set_sort(l, 0, false);
    assert_string_equal(visible_name(l, &d, 0), "five9-de-de");
    assert_string_equal(visible_name(l, &d, 1), "Lincoln");
    tui_list_free(l);
}

static void selection_follows_its_row_when_the_data_changes(void **state)
{
    (void)state;
    data d = sample();
    tui_list *l = tui_list_new(cols, 2, &src, &d);
    tui_list_refresh(l);
    tui_list_select_key(l, "Lincoln");
    /* A new row arrives in front of it. */
    data d2 = {{"a-new", "v3", "five9-de-de", "Lincoln", "v10"}, {"0", "2", "10", "9", "1"}, 5};
    d = d2;
    tui_list_refresh(l);
    assert_string_equal(d.names[tui_list_selected(l)], "Lincoln");
    tui_list_free(l);
}

static void movement_stops_at_both_ends(void **state)
{
    (void)state;
    data d = sample();
    tui_list *l = tui_list_new(cols, 2, &src, &d);
    tui_list_refresh(l);
    tui_list_action(l, TUI_ACT_MOVE_UP);
    assert_int_equal(tui_list_selected_index(l), 0);
    tui_list_action(l, TUI_ACT_LAST);
    assert_int_equal(tui_list_selected_index(l), 3);
    tui_list_action(l, TUI_ACT_MOVE_DOWN);
    assert_int_equal(tui_list_selected_index(l), 3);
    tui_list_action(l, TUI_ACT_FIRST);
    assert_int_equal(tui_list_selected_index(l), 0);
    tui_list_free(l);
}

static void an_empty_list_has_no_selection(void **state)
{
    (void)state;
    data d = sample();
    d.n = 0;
    tui_list *l = tui_list_new(cols, 2, &src, &d);
    tui_list_refresh(l);
    assert_int_equal(tui_list_selected(l), (size_t)-1);
    assert_true(tui_list_action(l, TUI_ACT_MOVE_DOWN));
    assert_int_equal(tui_list_selected(l), (size_t)-1);
    tui_list_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(filter_matches_any_cell_ignoring_case),
        cmocka_unit_test(sort_orders_numbers_numerically_and_can_reverse),
        cmocka_unit_test(selection_follows_its_row_when_the_data_changes),
        cmocka_unit_test(movement_stops_at_both_ends),
        cmocka_unit_test(an_empty_list_has_no_selection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
