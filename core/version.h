#ifndef TT_VERSION_H
#define TT_VERSION_H
/* "0.1.0" */
const char *tt_version(void);
#endif
