/* carechainctl's operations commands (cli/ops.c): the mail queue and the background tasks. */
#ifndef CC_CLI_OPS_H
#define CC_CLI_OPS_H

#include <libpq-fe.h>

/* `mail status`: queue depth, due, in flight, oldest undelivered, failures by reason. */
int cc_ctl_mail_status(PGconn *c);
/* `mail retry ID` (id != NULL) or `mail retry --failed` (id == NULL). 1 when nothing matched. */
int cc_ctl_mail_retry(PGconn *c, const char *id);
/* `tasks`: each task's last run on each node, its duration, result and next run. */
int cc_ctl_tasks(PGconn *c);

#endif
