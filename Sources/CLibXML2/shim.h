#ifndef MGOV_CLIBXML2_SHIM_H
#define MGOV_CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU; ICU's types then clash with Foundation's
   copy in Swift's module system. We use none of libxml2's ICU API. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/c14n.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/valid.h>
#include <libxml/entities.h>

/* xmlFree is a global function pointer: a concurrency error if touched from Swift. */
static inline void mgov_xmlFree(void *p) { xmlFree(p); }
#endif
