/* The statement table, expanded from dbd/statement_list.h. */
#include "statements.h"

const cc_stmt_t cc_statements[CC_ST__COUNT] = {
#define CC_STMT(name, nparams, mode, sql) [CC_ST_##name] = {"cc_" #name, sql, nparams, mode},
#include "statement_list.h"
#undef CC_STMT
};
