#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU; its ICU headers clash with Foundation's copy on a clean build.
// xmlversion.h must come first so that the #undef below wins before any other libxml header.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/encoding.h>

/// `xmlFree` is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void cxml_free(void *pointer) { xmlFree(pointer); }

#endif
