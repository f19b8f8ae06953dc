#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *const subcommands[] = {
    "render", "diff", "apply", "delete", "status", "pin-latest", "rollback", "audit", NULL,
};

const char *cli_subcommand(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        for (const char *const *s = subcommands; *s; s++)
            if (strcmp(argv[i], *s) == 0)
                return *s;
        return argv[i];
    }
    return NULL;
}

int cli_main(int argc, char **argv)
{
    const char *sub = cli_subcommand(argc, argv);
    fprintf(stderr, "ttstui: '%s' is not available yet\n", sub ? sub : "");
    return 2;
}
