#include "tui.h"

#include <stdio.h>

int tui_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "ttstui: the dashboard is not available yet\n");
    return 2;
}
