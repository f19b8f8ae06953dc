/* fleet_parse_rfc3339 (core/fleet.h): the API server's timestamps read
 * without sscanf must give what timegm gives, day by day and at the edges
 * of each field; what the quick reading refuses still reads as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fleet.h"

/* The oracle: the fields through timegm, as the general reading does. */
static long long oracle(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (long long)timegm(&tm);
}

static long long parse(int y, int mo, int d, int h, int mi, int s)
{
    char text[64];
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
    return fleet_parse_rfc3339(text);
}

/* Every day from 1969 to 2104 (leap years, 2000 and 2100 included), at a
 * time whose fields differ, and each field at its ends. */
static void every_day_matches_timegm(void **state)
{
    (void)state;
    for (long long t = -86400LL * 366; t < 86400LL * 365 * 135; t += 86400) {
        time_t tt = (time_t)(t + 3723 + (t / 86400 % 7) * 3600);
        struct tm tm;
        gmtime_r(&tt, &tm);
        int y = tm.tm_year + 1900, mo = tm.tm_mon + 1;
        long long want = oracle(y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        assert_int_equal(parse(y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec), want);
        assert_int_equal(want, (long long)tt);
    }
    assert_int_equal(parse(2024, 12, 31, 23, 59, 59), oracle(2024, 12, 31, 23, 59, 59));
    assert_int_equal(parse(2024, 1, 1, 0, 0, 0), oracle(2024, 1, 1, 0, 0, 0));
    assert_int_equal(parse(1969, 12, 31, 23, 59, 59), -1);
    assert_int_equal(parse(0, 1, 1, 0, 0, 0), oracle(0, 1, 1, 0, 0, 0));
}

/* Fields out of their range are left to timegm, which carries them over:
 * each on its own. */
static void out_of_range_fields_carry_over_as_timegm_does(void **state)
{
    (void)state;
    assert_int_equal(parse(2023, 2, 29, 0, 0, 0), oracle(2023, 3, 1, 0, 0, 0));
    assert_int_equal(parse(2100, 2, 29, 0, 0, 0), oracle(2100, 3, 1, 0, 0, 0));
    assert_int_equal(parse(2000, 2, 29, 0, 0, 0), oracle(2000, 2, 29, 0, 0, 0));
    assert_int_equal(parse(2024, 4, 31, 0, 0, 0), oracle(2024, 5, 1, 0, 0, 0));
    assert_int_equal(parse(2024, 1, 1, 24, 0, 0), oracle(2024, 1, 2, 0, 0, 0));
    assert_int_equal(parse(2024, 1, 1, 0, 60, 0), oracle(2024, 1, 1, 1, 0, 0));
    assert_int_equal(parse(2024, 1, 1, 0, 0, 60), oracle(2024, 1, 1, 0, 1, 0));
    assert_int_equal(parse(2024, 1, 0, 0, 0, 0), oracle(2023, 12, 31, 0, 0, 0));
}

/* Anything but the exact form goes through the general reading: each
 * difference on its own. */
static void other_forms_read_as_before(void **state)
{
    (void)state;
    long long base = oracle(2024, 5, 1, 10, 0, 0);
    assert_int_equal(fleet_parse_rfc3339("2024-05-01T10:00:00Z"), base);
    assert_int_equal(fleet_parse_rfc3339("2024-05-01T10:00:00z"), base);
    assert_int_equal(fleet_parse_rfc3339("2024-05-01T10:00:00.123Z"), base);
    assert_int_equal(fleet_parse_rfc3339("2024-05-01T12:00:00+02:00"), base);
    assert_int_equal(fleet_parse_rfc3339("2024-05-01T09:00:00-01:00"), base);
    assert_int_equal(fleet_parse_rfc3339("2024-05-01T10:00:00"), 0);   /* no zone */
    assert_int_equal(fleet_parse_rfc3339("2024-05-01T10:00:00Zx"), base); /* as before */
    assert_int_equal(fleet_parse_rfc3339("2024-05-01 10:00:00Z"), 0);  /* no T */
    assert_int_equal(fleet_parse_rfc3339("2024-05-0aT10:00:00Z"), 0);  /* a letter */
    assert_int_equal(fleet_parse_rfc3339(""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_day_matches_timegm),
        cmocka_unit_test(out_of_range_fields_carry_over_as_timegm_does),
        cmocka_unit_test(other_forms_read_as_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
