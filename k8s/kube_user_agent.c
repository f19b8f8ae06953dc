#include "kube_user_agent.h"

const char *kube_user_agent(void)
{
#if defined(__x86_64__)
    return "ttstui/" TTSTUI_VERSION " (linux/amd64)";
#elif defined(__aarch64__)
    return "ttstui/" TTSTUI_VERSION " (linux/arm64)";
#else
    return "ttstui/" TTSTUI_VERSION " (linux)";
#endif
}
