#ifndef KUBE_USER_AGENT_H
#define KUBE_USER_AGENT_H
/* The User-Agent ttstui sends, e.g. "ttstui/0.1.0 (linux/amd64)". */
const char *kube_user_agent(void);
#endif
